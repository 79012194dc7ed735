import { createTestPki, findSecretLeaks, type TestLeaf } from "@workload-identity/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { inspectCertificate } from "./inspect-certificate.js";

let rsa: TestLeaf;
let p384: TestLeaf;
let expired: TestLeaf;

beforeAll(async () => {
  const pki = await createTestPki({ keyType: "p256" });
  [rsa, p384, expired] = await Promise.all([
    pki.issueLeaf({ keyType: "rsa2048", subject: "CN=billing.example.test, O=Example", serialNumber: "0a1b2c3d4e" }),
    pki.issueLeaf({ keyType: "p384" }),
    pki.issueLeaf({ notBefore: new Date("2020-01-01T00:00:00Z"), notAfter: new Date("2021-01-01T00:00:00Z") }),
  ]);
});

describe(inspectCertificate.name, () => {
  it("summarises subject, issuer, decimal serial, dates and key", async () => {
    const summary = await inspectCertificate({ certificate: rsa.certificatePem });
    expect(summary).toEqual({
      subject: "CN=billing.example.test, O=Example",
      issuer: expect.stringContaining("CN=workload-identity test intermediate CA"),
      serialNumber: String(0x0a1b2c3d4e),
      validFrom: expect.any(Date),
      validTo: expect.any(Date),
      publicKey: "RSA-2048",
      signingAlgorithm: "AWS4-X509-RSA-SHA256",
      fingerprint256: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
      certificateBase64: Buffer.from(rsa.certificateDer).toString("base64"),
    });
    expect(summary.validTo.getTime()).toBeGreaterThan(Date.now());
    expect(await inspectCertificate({ certificate: p384.certificateDer })).toMatchObject({
      publicKey: "EC P-384",
      signingAlgorithm: "AWS4-X509-ECDSA-SHA256",
    });
  });

  it("tells whether a given key matches", async () => {
    expect((await inspectCertificate({ certificate: rsa.certificatePem, privateKey: rsa.privateKeyPem })).keyMatches).toBe(true);
    expect((await inspectCertificate({ certificate: rsa.certificatePem, privateKey: p384.privateKeyPem })).keyMatches).toBe(false);
  });

  it("describes an expired certificate instead of refusing it", async () => {
    const summary = await inspectCertificate({ certificate: expired.certificatePem });
    expect(summary.validTo.toISOString()).toBe("2021-01-01T00:00:00.000Z");
  });

  it("raises the loader's typed errors for unreadable input", async () => {
    await expect(inspectCertificate({ certificate: "/nonexistent/tls.crt" })).rejects.toMatchObject({
      code: "ROLES_ANYWHERE_FILE_UNREADABLE",
    });
  });
});

describe("a PKCS#11 URI where a certificate file belongs", () => {
  it("is refused as such, never read as a path, its PIN (a short one, below the redaction registry's length) not shown", async () => {
    const pin = "493817";
    const error = await inspectCertificate({ certificate: `pkcs11:token=T;object=cert;type=cert?pin-value=${pin}` }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ROLES_ANYWHERE_FILE_UNREADABLE", message: expect.stringContaining("pkcs11:token=T;object=cert;type=cert") });
    expect(findSecretLeaks([error], [pin], 4)).toEqual([]);
  });
});
