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
