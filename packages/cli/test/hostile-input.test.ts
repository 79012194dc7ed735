// The CLI facing careless input: key material given where a path belongs is refused on stderr without being echoed.
import { findSecretLeaks, type RolesAnywhereWorld, startRolesAnywhereWorld } from "@workload-identity/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv, runCliProcess, worldFlags } from "./cli-support.js";

let world: RolesAnywhereWorld;
beforeAll(async () => {
  world = await startRolesAnywhereWorld();
});
afterAll(() => world.close());

describe("roles-anywhere credential-process, given key material where a path belongs", () => {
  it("refuses it on stderr, naming the code, without printing any of it", async () => {
    const keyPem = world.leaf.privateKeyPem;
    const keyLines = keyPem.split("\n").filter((line) => line.length > 20 && !line.startsWith("-----"));
    const material = Buffer.from(keyPem).toString("base64");
    const { code, stdout, stderr } = await runCliProcess(
      ["credential-process", ...worldFlags(world, { privateKey: material })],
      childEnv(world.dir),
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/ROLES_ANYWHERE_FILE_UNREADABLE/);
    expect(findSecretLeaks([stdout, stderr], [material, ...keyLines], 20)).toEqual([]);
  });
});
