// A key in a (software) TPM 2.0: swtpm behind tpm2-abrmd, tpm2-pkcs11's module, keys made inside the TPM by
// tpm2_ptool. The same PKCS#11 path as for an HSM signs CreateSession; the emulator verifies.
import {
  type SoftwareTpm,
  softwareTpmUnavailableReason,
  startSoftwareTpm,
  type TestCertificate,
  type TestKeyType,
  type RolesAnywhereWorld,
  startRolesAnywhereWorld,
} from "@workload-identity/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createRolesAnywhereSource } from "../src/index.js";

const unavailable = softwareTpmUnavailableReason();
const PIN = "tpm-user-pin-5839201746";

let fixture: RolesAnywhereWorld;
let tpm: SoftwareTpm;
const certificates = new Map<TestKeyType, TestCertificate>();

beforeAll(async () => {
  if (unavailable !== undefined) return;
  fixture = await startRolesAnywhereWorld({ keyType: "p256" });
  tpm = await startSoftwareTpm({ label: "tpm", pin: PIN });
  for (const [name, value] of Object.entries(tpm.env)) vi.stubEnv(name, value);
  for (const keyType of ["p256", "rsa2048"] as const) {
    const key = await tpm.addKey(keyType, keyType, `ra-${keyType}`);
    certificates.set(keyType, await fixture.pki.issueCertificateFor(key.publicKeySpki, { subject: `CN=${keyType}.tpm.test` }));
  }
}, 120_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await tpm?.close();
  await fixture?.close();
});

describe.skipIf(unavailable !== undefined)(`PKCS#11 keys in a software TPM 2.0${unavailable === undefined ? "" : ` (skipped: ${unavailable})`}`, () => {
  it.each([
    ["p256", "AWS4-X509-ECDSA-SHA256"],
    ["rsa2048", "AWS4-X509-RSA-SHA256"],
  ] as const)("signs CreateSession with a %s key inside the TPM (%s)", async (keyType, algorithm) => {
    const certificate = certificates.get(keyType);
    if (certificate === undefined) throw new Error(`no ${keyType} certificate`);
    const source = createRolesAnywhereSource({
      certificate: `${certificate.certificatePem}${fixture.pki.intermediateCertificatePem}`,
      privateKey: `pkcs11:token=tpm;object=ra-${keyType};type=private?module-path=${tpm.modulePath}`,
      pkcs11: { pin: PIN },
      trustAnchorArn: fixture.trustAnchorArn,
      profileArn: fixture.profileArn,
      roleArn: fixture.roleArn,
      endpoint: fixture.emulator.endpoint,
    });
    await expect(source()).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    expect(fixture.emulator.calls.at(-1)).toMatchObject({ status: 201, algorithm, serialNumber: certificate.serialNumberDecimal });
  });

  it("refuses a wrong PIN with the typed code", async () => {
    const source = createRolesAnywhereSource({
      certificate: certificates.get("p256")?.certificatePem ?? "",
      privateKey: `pkcs11:token=tpm;object=ra-p256?module-path=${tpm.modulePath}`,
      pkcs11: { pin: "not-the-pin-000000" },
      trustAnchorArn: fixture.trustAnchorArn,
      profileArn: fixture.profileArn,
      roleArn: fixture.roleArn,
      endpoint: fixture.emulator.endpoint,
    });
    await expect(source()).rejects.toMatchObject({ code: "ROLES_ANYWHERE_PKCS11_PIN_INCORRECT" });
  });
});
