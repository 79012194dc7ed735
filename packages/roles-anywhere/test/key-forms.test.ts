import {
  exportPkcs12,
  opensslUnavailableReason,
  type RolesAnywhereWorld,
  startRolesAnywhereWorld,
} from "@workload-identity/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromRolesAnywhere } from "../src/index.js";

// The other forms AWS's helper reads — a PEM holding certificate and key, and PKCS#12 bundles made by the real
// openssl — exchanged for credentials at the Roles Anywhere emulator, which checks the signature and the chain.

const unavailable = opensslUnavailableReason();
const PASSWORD = "planted-p12-password-3c9e";
let world: RolesAnywhereWorld;

beforeAll(async () => {
  world = await startRolesAnywhereWorld({ keyType: "p256" });
});
afterAll(() => world.close());

const exchange = (certificate: string, passphrase?: string) =>
  fromRolesAnywhere({
    certificate,
    ...(passphrase === undefined ? {} : { passphrase }),
    trustAnchorArn: world.trustAnchorArn,
    profileArn: world.profileArn,
    roleArn: world.roleArn,
    endpoint: world.emulator.endpoint,
  })();

describe("fromRolesAnywhere with the key inside the certificate input", () => {
  it("a combined PEM (certificate, key, intermediate) without privateKey", async () => {
    const path = await world.write("combined.pem", `${world.leaf.certificatePem}\n${world.leaf.privateKeyPem}\n${world.leaf.chainPem}\n`);
    await expect(exchange(path)).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    expect(world.emulator.calls.at(-1)).toMatchObject({ status: 201, serialNumber: world.leaf.serialNumberDecimal, chainLength: 1 });
  });

  describe.skipIf(unavailable !== undefined)(`PKCS#12 bundles from openssl${unavailable === undefined ? "" : ` — skipped: ${unavailable}`}`, () => {
    it.each([
      ["OpenSSL 3 default, with a password", false, PASSWORD],
      ["OpenSSL 3 default, without a password", false, undefined],
      ["-legacy, with a password", true, PASSWORD],
      ["-legacy, without a password", true, undefined],
    ] as const)("%s: the chain is taken from the bundle", async (_, legacy, password) => {
      const bundle = await exportPkcs12({
        certificatePem: world.leaf.certificatePem,
        privateKeyPem: world.leaf.privateKeyPem,
        extraCertificatesPem: world.leaf.chainPem,
        legacy,
        ...(password === undefined ? {} : { password }),
      });
      const path = await world.write(`identity-${legacy ? "legacy" : "default"}-${password === undefined ? "open" : "locked"}.p12`, bundle);
      await expect(exchange(path, password)).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
      // The emulator refuses a leaf whose intermediate is missing: chainLength 1 and a 201 prove the bundle's chain was sent.
      expect(world.emulator.calls.at(-1)).toMatchObject({ status: 201, serialNumber: world.leaf.serialNumberDecimal, chainLength: 1 });
    });

    it("a locked bundle without its password fails before any request, with a typed error", async () => {
      const bundle = await exportPkcs12({ certificatePem: world.leaf.certificatePem, privateKeyPem: world.leaf.privateKeyPem, password: PASSWORD });
      const path = await world.write("locked.p12", bundle);
      const before = world.emulator.callCount;
      await expect(exchange(path)).rejects.toMatchObject({ code: "ROLES_ANYWHERE_PASSPHRASE_REQUIRED", tryNextLink: false });
      expect(world.emulator.callCount).toBe(before);
    });
  });
});
