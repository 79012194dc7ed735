import { createPrivateKey, generateKeyPairSync, X509Certificate } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { createTestPki, type TestLeaf, type TestPki } from "@workload-identity/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCredentialMaterial } from "./material.js";

let pki: TestPki;
let rsa: TestLeaf;
let p256: TestLeaf;
let dir: string;
const now = new Date();

beforeAll(async () => {
  pki = await createTestPki({ keyType: "p256" });
  [rsa, p256] = await Promise.all([pki.issueLeaf({ keyType: "rsa2048" }), pki.issueLeaf({ keyType: "p256" })]);
  dir = await mkdtemp(join(tmpdir(), "roles-anywhere-material-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const file = async (name: string, content: string | Uint8Array) => {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
};
const keyOf = (leaf: TestLeaf) => createPrivateKey(leaf.privateKeyPem);

describe(loadCredentialMaterial.name, () => {
  describe("reads every key format", () => {
    it.each([
      ["RSA PKCS#8 PEM", () => rsa, () => rsa.privateKeyPem],
      ["RSA PKCS#1 PEM", () => rsa, () => keyOf(rsa).export({ format: "pem", type: "pkcs1" })],
      ["RSA PKCS#8 DER", () => rsa, () => keyOf(rsa).export({ format: "der", type: "pkcs8" })],
      ["RSA PKCS#1 DER", () => rsa, () => keyOf(rsa).export({ format: "der", type: "pkcs1" })],
      ["EC SEC1 PEM", () => p256, () => keyOf(p256).export({ format: "pem", type: "sec1" })],
      ["EC SEC1 DER", () => p256, () => keyOf(p256).export({ format: "der", type: "sec1" })],
      ["EC PKCS#8 PEM", () => p256, () => p256.privateKeyPem],
    ] as const)("%s", async (_, leaf, key) => {
      const material = await loadCredentialMaterial({ certificate: leaf().certificatePem, privateKey: await file("k", key()) }, now);
      expect(material.certificate.checkPrivateKey(material.privateKey)).toBe(true);
    });

    it("an encrypted PKCS#8 PEM key with its passphrase", async () => {
      const privateKey = keyOf(rsa).export({ format: "pem", type: "pkcs8", cipher: "aes-256-cbc", passphrase: "s3cret" });
      const material = await loadCredentialMaterial({ certificate: rsa.certificatePem, privateKey, passphrase: "s3cret" }, now);
      expect(material.algorithm).toBe("AWS4-X509-RSA-SHA256");
    });

    it("an encrypted PKCS#8 DER key with its passphrase", async () => {
      const privateKey = keyOf(p256).export({ format: "der", type: "pkcs8", cipher: "aes-256-cbc", passphrase: "s3cret" });
      const material = await loadCredentialMaterial({ certificate: p256.certificateDer, privateKey, passphrase: "s3cret" }, now);
      expect(material.algorithm).toBe("AWS4-X509-ECDSA-SHA256");
    });

    it("a legacy encrypted PKCS#1 PEM key (Proc-Type: 4,ENCRYPTED) with its passphrase", async () => {
      const privateKey = keyOf(rsa).export({ format: "pem", type: "pkcs1", cipher: "aes-128-cbc", passphrase: "s3cret" });
      await expect(loadCredentialMaterial({ certificate: rsa.certificatePem, privateKey, passphrase: "s3cret" }, now)).resolves.toBeDefined();
    });
  });

  it("takes the certificate file's other certificates as the chain, and certificateChain over them", async () => {
    const bundle = p256.certificatePem + p256.chainPem;
    expect((await loadCredentialMaterial({ certificate: bundle, privateKey: p256.privateKeyPem }, now)).chain).toHaveLength(1);
    const material = await loadCredentialMaterial(
      { certificate: bundle, privateKey: p256.privateKeyPem, certificateChain: p256.chainPem + pki.rootCertificatePem },
      now,
    );
    expect(material.chain.map((certificate) => certificate.subject)).toEqual([
      expect.stringContaining("intermediate"),
      expect.stringContaining("root"),
    ]);
  });

  describe("refuses, with a typed error saying what to fix", () => {
    it("a file that cannot be read, naming it", async () => {
      const missing = join(dir, "nope", "tls.crt");
      await expect(loadCredentialMaterial({ certificate: missing, privateKey: rsa.privateKeyPem }, now)).rejects.toMatchObject({
        code: "ROLES_ANYWHERE_FILE_UNREADABLE",
        tryNextLink: false,
        message: expect.stringContaining(`${missing} (ENOENT)`),
      });
    });

    it("a key pasted without its PEM armour where a path belongs, never echoing it", async () => {
      const bare = rsa.privateKeyPem.replace(/-----[A-Z ]+-----/g, "").replace(/\s/g, "");
      const error = await loadCredentialMaterial({ certificate: rsa.certificatePem, privateKey: bare }, now).catch(
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: "ROLES_ANYWHERE_FILE_UNREADABLE", tryNextLink: false });
      expect(String(error)).not.toContain(bare.slice(0, 32));
    });

    it("a certificate file without a certificate, naming it", async () => {
      const path = await file("garbage.crt", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
      await expect(loadCredentialMaterial({ certificate: path, privateKey: rsa.privateKeyPem }, now)).rejects.toMatchObject({
        code: "ROLES_ANYWHERE_INVALID_CERTIFICATE",
        message: expect.stringContaining(path),
      });
      await expect(loadCredentialMaterial({ certificate: Buffer.from("junk"), privateKey: rsa.privateKeyPem }, now)).rejects.toMatchObject({
        code: "ROLES_ANYWHERE_INVALID_CERTIFICATE",
      });
    });

    it("swapped certificate and key paths", async () => {
      const certificate = await file("swapped.crt", rsa.privateKeyPem);
      const error = await loadCredentialMaterial({ certificate, privateKey: rsa.certificatePem }, now).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "ROLES_ANYWHERE_INVALID_CERTIFICATE", message: expect.stringContaining("swapped") });
      // The key is named, never printed.
      expect(String((error as Error).message)).not.toContain(rsa.privateKeyPem.split("\n")[1]);
    });

    it("a chain file without certificates", async () => {
      const certificateChain = await file("chain.crt", "nothing here");
      await expect(
        loadCredentialMaterial({ certificate: rsa.certificatePem, privateKey: rsa.privateKeyPem, certificateChain }, now),
      ).rejects.toMatchObject({ code: "ROLES_ANYWHERE_INVALID_CERTIFICATE_CHAIN", message: expect.stringContaining(certificateChain) });
    });

    it("a key file without a key, naming it", async () => {
      const privateKey = await file("cert-as.key", rsa.certificatePem);
      await expect(loadCredentialMaterial({ certificate: rsa.certificatePem, privateKey }, now)).rejects.toMatchObject({
        code: "ROLES_ANYWHERE_INVALID_PRIVATE_KEY",
        message: expect.stringContaining(privateKey),
      });
      const broken = await file("broken.key", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
      await expect(loadCredentialMaterial({ certificate: rsa.certificatePem, privateKey: broken }, now)).rejects.toMatchObject({
        code: "ROLES_ANYWHERE_INVALID_PRIVATE_KEY",
      });
      await expect(loadCredentialMaterial({ certificate: rsa.certificatePem, privateKey: Buffer.from([1, 2, 3]) }, now)).rejects.toMatchObject({
        code: "ROLES_ANYWHERE_INVALID_PRIVATE_KEY",
      });
    });

    it("an encrypted key without a passphrase (PEM and DER)", async () => {
      const pem = keyOf(rsa).export({ format: "pem", type: "pkcs8", cipher: "aes-256-cbc", passphrase: "s3cret" });
      const der = keyOf(rsa).export({ format: "der", type: "pkcs8", cipher: "aes-256-cbc", passphrase: "s3cret" });
      for (const privateKey of [pem, der]) {
        await expect(loadCredentialMaterial({ certificate: rsa.certificatePem, privateKey }, now)).rejects.toMatchObject({
          code: "ROLES_ANYWHERE_PASSPHRASE_REQUIRED",
        });
      }
    });

    it("a wrong passphrase every time, also when the garbage it decrypts to passes the padding check (1 in 256)", async () => {
      // Each export has a fresh IV, so 600 tries meet the padded-garbage case with a probability of about 90 %.
      const codes = new Set<unknown>();
      for (let i = 0; i < 300; i += 1) {
        const encrypted = { cipher: "aes-128-cbc", passphrase: "s3cret" };
        for (const privateKey of [
          keyOf(p256).export({ format: "pem", type: "sec1", ...encrypted }),
          keyOf(p256).export({ format: "der", type: "pkcs8", ...encrypted }),
        ]) {
          const error = await loadCredentialMaterial({ certificate: p256.certificatePem, privateKey, passphrase: "wrong-guess-42" }, now).catch(
            (e: unknown) => e,
          );
          codes.add((error as { code?: unknown }).code);
        }
      }
      expect([...codes]).toEqual(["ROLES_ANYWHERE_PASSPHRASE_INCORRECT"]);
    });

    it("a wrong passphrase (PKCS#8 PEM and DER, legacy PKCS#1), never echoing it", async () => {
      const keys = [
        keyOf(rsa).export({ format: "pem", type: "pkcs8", cipher: "aes-256-cbc", passphrase: "s3cret" }),
        keyOf(rsa).export({ format: "der", type: "pkcs8", cipher: "aes-256-cbc", passphrase: "s3cret" }),
        keyOf(rsa).export({ format: "pem", type: "pkcs1", cipher: "aes-128-cbc", passphrase: "s3cret" }),
      ];
      for (const privateKey of keys) {
        const error = await loadCredentialMaterial({ certificate: rsa.certificatePem, privateKey, passphrase: "wrong-guess-42" }, now).catch(
          (e: unknown) => e,
        );
        expect(error).toMatchObject({ code: "ROLES_ANYWHERE_PASSPHRASE_INCORRECT" });
        expect((error as Error).message).not.toContain("wrong-guess-42");
      }
    });

    it("a key that does not match the certificate, naming the certificate", async () => {
      await expect(loadCredentialMaterial({ certificate: rsa.certificatePem, privateKey: p256.privateKeyPem }, now)).rejects.toMatchObject({
        code: "ROLES_ANYWHERE_KEY_MISMATCH",
        message: expect.stringContaining(`serial ${rsa.serialNumberDecimal}`),
      });
    });

    it("an expired certificate, giving the dates", async () => {
      const notAfter = new Date(Date.now() - 86_400_000);
      const expired = await pki.issueLeaf({ notBefore: new Date(Date.now() - 10 * 86_400_000), notAfter });
      await expect(loadCredentialMaterial({ certificate: expired.certificatePem, privateKey: expired.privateKeyPem }, now)).rejects.toMatchObject({
        code: "ROLES_ANYWHERE_CERTIFICATE_EXPIRED",
        message: expect.stringContaining(`expired at ${new Date(Math.floor(notAfter.getTime() / 1000) * 1000).toISOString()}`),
      });
    });

    it("a certificate that is not yet valid, giving the dates", async () => {
      const notBefore = new Date(Date.now() + 86_400_000);
      const future = await pki.issueLeaf({ notBefore, notAfter: new Date(Date.now() + 10 * 86_400_000) });
      await expect(loadCredentialMaterial({ certificate: future.certificatePem, privateKey: future.privateKeyPem }, now)).rejects.toMatchObject({
        code: "ROLES_ANYWHERE_CERTIFICATE_NOT_YET_VALID",
        message: expect.stringContaining(`not valid before ${new Date(Math.floor(notBefore.getTime() / 1000) * 1000).toISOString()}`),
      });
    });

    it("judges validity by the given clock", async () => {
      const later = new Date(Date.now() + 365 * 86_400_000);
      await expect(loadCredentialMaterial({ certificate: rsa.certificatePem, privateKey: rsa.privateKeyPem }, later)).rejects.toMatchObject({
        code: "ROLES_ANYWHERE_CERTIFICATE_EXPIRED",
      });
    });

    it.each([
      ["an Ed25519 key", () => generateKeyPairSync("ed25519").privateKey, /ed25519/],
      ["an EC key on P-521", () => generateKeyPairSync("ec", { namedCurve: "secp521r1" }).privateKey, /secp521r1/],
      ["an EC key on secp256k1", () => generateKeyPairSync("ec", { namedCurve: "secp256k1" }).privateKey, /secp256k1/],
    ])("an unsupported key type or curve: %s", async (_, make, named) => {
      const privateKey = make().export({ format: "pem", type: "pkcs8" });
      await expect(loadCredentialMaterial({ certificate: rsa.certificatePem, privateKey }, now)).rejects.toMatchObject({
        code: "ROLES_ANYWHERE_UNSUPPORTED_KEY",
        message: expect.stringMatching(named),
      });
    });
  });
});

describe("a combined PEM: certificate and key in one input, privateKey left out", () => {
  it("reads the key from the certificate's file, whichever comes first, and the other certificates as the chain", async () => {
    for (const content of [
      p256.certificatePem + p256.privateKeyPem + p256.chainPem,
      p256.privateKeyPem + p256.certificatePem + p256.chainPem,
    ]) {
      const material = await loadCredentialMaterial({ certificate: await file("combined.pem", content) }, now);
      expect(material.certificate.serialNumber).toBe(new X509Certificate(p256.certificatePem).serialNumber);
      expect(material.certificate.checkPrivateKey(material.privateKey)).toBe(true);
      expect(material.chain.map((certificate) => certificate.subject)).toEqual([expect.stringContaining("intermediate")]);
    }
  });

  it("reads an encrypted key of a combined PEM with the passphrase, and asks for one without it", async () => {
    const encrypted = keyOf(rsa).export({ format: "pem", type: "pkcs8", cipher: "aes-256-cbc", passphrase: "s3cret-combined" });
    const certificate = await file("combined-encrypted.pem", rsa.certificatePem + encrypted);
    await expect(loadCredentialMaterial({ certificate, passphrase: "s3cret-combined" }, now)).resolves.toMatchObject({
      algorithm: "AWS4-X509-RSA-SHA256",
    });
    await expect(loadCredentialMaterial({ certificate }, now)).rejects.toMatchObject({
      code: "ROLES_ANYWHERE_PASSPHRASE_REQUIRED",
      message: expect.stringContaining(`key in ${certificate}`),
    });
  });

  it("an explicit privateKey wins over a key in the certificate's file", async () => {
    const certificate = await file("combined-other.pem", rsa.certificatePem + p256.privateKeyPem);
    await expect(loadCredentialMaterial({ certificate, privateKey: rsa.privateKeyPem }, now)).resolves.toMatchObject({
      algorithm: "AWS4-X509-RSA-SHA256",
    });
  });

  it("refuses a certificate without a key when privateKey is left out, saying what to give", async () => {
    for (const certificate of [await file("only.crt", rsa.certificatePem), rsa.certificateDer]) {
      await expect(loadCredentialMaterial({ certificate }, now)).rejects.toMatchObject({
        code: "ROLES_ANYWHERE_INVALID_PRIVATE_KEY",
        message: expect.stringContaining("No private key was given"),
      });
    }
  });

  it("names the key and the certificate, never the key's text, when they do not match", async () => {
    const certificate = await file("combined-mismatch.pem", rsa.certificatePem + p256.privateKeyPem);
    const error = await loadCredentialMaterial({ certificate }, now).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ROLES_ANYWHERE_KEY_MISMATCH", message: expect.stringContaining(certificate) });
    expect(inspect(error, { showHidden: true, depth: null })).not.toContain(p256.privateKeyPem.split("\n")[1]);
  });
});
