import { createPrivateKey, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createTestPki } from "./pki.js";

describe(createTestPki.name, () => {
  it("issues a leaf whose chain verifies up to the root", async () => {
    const pki = await createTestPki({ keyType: "p256" });
    const leaf = await pki.issueLeaf();
    const certificate = new X509Certificate(leaf.certificatePem);
    const intermediate = new X509Certificate(pki.intermediateCertificatePem);
    const root = new X509Certificate(pki.rootCertificatePem);
    expect(certificate.checkIssued(intermediate)).toBe(true);
    expect(certificate.verify(intermediate.publicKey)).toBe(true);
    expect(intermediate.verify(root.publicKey)).toBe(true);
    expect(certificate.checkPrivateKey(createPrivateKey(leaf.privateKeyPem))).toBe(true);
  });
});

describe("TestPki.issueLeaf", () => {
  it.each(["rsa2048", "p256", "p384"] as const)("issues %s leaves with a decimal serial and the intermediate as chain", async (keyType) => {
    const pki = await createTestPki({ keyType: "p256" });
    const leaf = await pki.issueLeaf({ keyType, serialNumber: "7f01" });
    const certificate = new X509Certificate(leaf.certificateDer);
    expect(certificate.publicKey.asymmetricKeyType).toBe(keyType === "rsa2048" ? "rsa" : "ec");
    expect(leaf.serialNumberDecimal).toBe(String(0x7f01));
    expect(leaf.chainPem).toBe(pki.intermediateCertificatePem);
    expect(certificate.ca).toBe(false);
  });

  it("issues expired, not-yet-valid and root-signed leaves", async () => {
    const pki = await createTestPki({ keyType: "p256" });
    const expired = await pki.issueLeaf({ notBefore: new Date("2020-01-01Z"), notAfter: new Date("2020-02-01Z") });
    expect(new Date(new X509Certificate(expired.certificatePem).validTo).toISOString()).toBe("2020-02-01T00:00:00.000Z");
    const direct = await pki.issueLeaf({ signedBy: "root" });
    expect(direct.chainPem).toBe("");
    expect(new X509Certificate(direct.certificatePem).verify(new X509Certificate(pki.rootCertificatePem).publicKey)).toBe(true);
  });
});
