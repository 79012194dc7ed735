import { X509Certificate } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { fromRolesAnywhere } from "@workload-identity/roles-anywhere";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RolesAnywhereWorld, startRolesAnywhereWorld } from "./roles-anywhere-world.js";

const NOW = Date.parse("2026-11-23T12:00:00Z");

describe(startRolesAnywhereWorld.name, () => {
  let world: RolesAnywhereWorld;
  beforeAll(async () => {
    world = await startRolesAnywhereWorld({ now: () => NOW, leaf: { subject: "CN=orders.onprem.example, O=Example" } });
  });
  afterAll(() => world.close());

  it("gives the workload's variables: its files, the three ARNs, the region and the endpoint", () => {
    expect(world.env).toEqual({
      AWS_ROLES_ANYWHERE_CERTIFICATE: world.files.certificate,
      AWS_ROLES_ANYWHERE_PRIVATE_KEY: world.files.privateKey,
      AWS_ROLES_ANYWHERE_CERTIFICATE_CHAIN: world.files.certificateChain,
      AWS_ROLES_ANYWHERE_TRUST_ANCHOR_ARN: "arn:aws:rolesanywhere:eu-west-1:111122223333:trust-anchor/test-trust-anchor",
      AWS_ROLES_ANYWHERE_PROFILE_ARN: "arn:aws:rolesanywhere:eu-west-1:111122223333:profile/test-profile",
      AWS_ROLES_ANYWHERE_ROLE_ARN: "arn:aws:iam::111122223333:role/workload",
      AWS_REGION: "eu-west-1",
      AWS_ENDPOINT_URL_ROLESANYWHERE: world.emulator.endpoint,
    });
  });

  it("writes the leaf's certificate, key and chain to private files, the leaf dated by the world's clock", async () => {
    expect(await readFile(world.files.certificate, "utf8")).toBe(world.leaf.certificatePem);
    expect(await readFile(world.files.privateKey, "utf8")).toBe(world.leaf.privateKeyPem);
    expect(await readFile(world.files.certificateChain, "utf8")).toBe(world.pki.intermediateCertificatePem);
    expect((await stat(world.files.privateKey)).mode & 0o777).toBe(0o600);
    expect(Date.parse(new X509Certificate(world.leaf.certificatePem).validFrom)).toBe(NOW - 3_600_000);
  });

  it("gives the same configuration as fromRolesAnywhere's options", () => {
    expect(world.init).toEqual({
      certificate: world.files.certificate,
      privateKey: world.files.privateKey,
      certificateChain: world.files.certificateChain,
      trustAnchorArn: world.trustAnchorArn,
      profileArn: world.profileArn,
      roleArn: world.roleArn,
      endpoint: world.emulator.endpoint,
    });
  });

  it("gets credentials from its emulator with those files, on the same clock", async () => {
    const credentials = await fromRolesAnywhere({
      ...world.init,
      now: () => new Date(NOW),
      refresh: { now: () => NOW },
    })();
    expect(credentials.expiration?.getTime()).toBe(NOW + 3_600_000);
    expect(world.emulator.calls.at(-1)).toMatchObject({ status: 201, serialNumber: world.leaf.serialNumberDecimal, chainLength: 1 });
  });

  it("issues more leaves into files of their own", async () => {
    const more = await world.leafFiles({ keyType: "rsa2048" });
    expect(more.certificate).not.toBe(world.files.certificate);
    expect(await readFile(more.privateKey, "utf8")).toBe(more.leaf.privateKeyPem);
    expect(more.leaf.keyType).toBe("rsa2048");
  });
});
