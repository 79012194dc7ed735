import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { childProcessEnv, type RolesAnywhereWorld, startRolesAnywhereWorld } from "@workload-identity/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botocoreProfile, type CliChild, startBuiltCli } from "./built-cli.js";
import { findBotocorePython } from "./cli-support.js";

// `update` left running across two refreshes, on the real clock: the emulator issues credentials that live 5 minutes
// and 6 seconds, so "5 minutes before expiry" (AWS's helper's rule) comes 6 seconds after each CreateSession. (An
// accelerated libfaketime clock does not help here: libuv waits for its next timer with epoll_wait, in real time.)

const python = findBotocorePython();
const LIFETIME_S = 306;
const OTHER_PROFILE = "[default]\naws_access_key_id = AKIAKEEPTHISPROFILE01\naws_secret_access_key = keep-this-secret-key\n";

describe("roles-anywhere update across refreshes (built CLI, emulator, real clock)", () => {
  let world: RolesAnywhereWorld;
  let credentialsFile: string;
  let update: CliChild | undefined;

  beforeAll(async () => {
    world = await startRolesAnywhereWorld({ credentialLifetimeSeconds: LIFETIME_S });
    await mkdir(join(world.dir, "aws"));
    credentialsFile = join(world.dir, "aws", "credentials");
    await writeFile(credentialsFile, OTHER_PROFILE);
  });
  afterAll(async () => {
    update?.child.kill("SIGKILL");
    await world?.close();
  });

  /** The `ra` profile's access key id in the file. */
  const writtenKey = async () =>
    /aws_access_key_id = (\S+)\naws_secret_access_key/.exec((await readFile(credentialsFile, "utf8")).split("[ra]")[1] ?? "")?.[1];

  it("replaces the credentials 5 minutes before each expiry, the file always holding the newest and the other profile", async () => {
    update = startBuiltCli(
      ["update", "--certificate", world.files.certificate, "--private-key", world.files.privateKey,
        "--intermediates", world.files.certificateChain, "--trust-anchor-arn", world.trustAnchorArn,
        "--profile-arn", world.profileArn, "--role-arn", world.roleArn, "--endpoint", world.emulator.endpoint, "--profile", "ra"],
      childProcessEnv({ HOME: world.dir, AWS_SHARED_CREDENTIALS_FILE: credentialsFile }),
    );
    for (const count of [1, 2, 3]) {
      await expect.poll(() => world.emulator.credentialsIssued().length, { timeout: 30_000, interval: 20 }).toBeGreaterThanOrEqual(count);
      await expect.poll(writtenKey, { timeout: 5_000, interval: 20 }).toBe(world.emulator.credentialsIssued()[count - 1]?.accessKeyId);
    }
    const [first, second, third] = world.emulator.credentialsIssued().map((set) => set.expiration.getTime());
    // Each set is asked for once the previous one has 5 minutes left: 6 s later, plus the request's own time (and the
    // emulator's expirations are whole seconds).
    for (const gapMs of [(second ?? 0) - (first ?? 0), (third ?? 0) - (second ?? 0)]) {
      expect(gapMs).toBeGreaterThanOrEqual((LIFETIME_S - 300) * 1000 - 1000);
      expect(gapMs).toBeLessThanOrEqual((LIFETIME_S - 300) * 1000 + 3000);
    }
    expect((await readFile(credentialsFile, "utf8")).startsWith(`${OTHER_PROFILE}\n[ra]\naws_access_key_id = `)).toBe(true);
    update.child.kill("SIGTERM");
    expect(await update.exited).toBe(0);
    expect(update.stderr().match(/"msg":"credentials file updated"/g)?.length).toBeGreaterThanOrEqual(3);
    if (python !== undefined) {
      const read = await botocoreProfile(python, credentialsFile, "ra", childProcessEnv({ HOME: world.dir }));
      expect(read.accessKey).toBe(await writtenKey());
    }
  }, 90_000);
});
