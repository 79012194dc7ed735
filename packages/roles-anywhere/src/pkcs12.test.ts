import { X509Certificate } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { createTestPki, exportPkcs12, opensslUnavailableReason, type TestLeaf, type TestPki } from "@workload-identity/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectCertificate } from "./inspect-certificate.js";
import { loadCredentialMaterial } from "./material.js";
import { endEntityFirst, isPkcs12 } from "./pkcs12.js";

// Bundles are made by the real `openssl pkcs12 -export`, with OpenSSL 3's defaults and with -legacy.
const unavailable = opensslUnavailableReason();
const PASSWORD = "p12-export-secret-9d3f";

let pki: TestPki;
let rsa: TestLeaf;
let p256: TestLeaf;
let dir: string;
const now = new Date();

beforeAll(async () => {
  pki = await createTestPki({ keyType: "p256" });
  [rsa, p256] = await Promise.all([pki.issueLeaf({ keyType: "rsa2048" }), pki.issueLeaf({ keyType: "p256" })]);
  dir = await mkdtemp(join(tmpdir(), "roles-anywhere-pkcs12-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const file = async (name: string, content: Uint8Array) => {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
};
const bundleOf = (leaf: TestLeaf, options: { password?: string; legacy?: boolean; withKey?: boolean } = {}) =>
  exportPkcs12({
    certificatePem: leaf.certificatePem,
    ...(options.withKey === false ? {} : { privateKeyPem: leaf.privateKeyPem }),
    // The root first: the end entity must be found by issuer, not by position.
    extraCertificatesPem: pki.rootCertificatePem + leaf.chainPem,
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.legacy === undefined ? {} : { legacy: options.legacy }),
  });

describe.skipIf(unavailable !== undefined)(`PKCS#12 bundles from openssl${unavailable === undefined ? "" : ` — skipped: ${unavailable}`}`, () => {
  describe(loadCredentialMaterial.name, () => {
    it.each([
      ["OpenSSL 3 default (PBES2/AES-256-CBC, HMAC-SHA256 MAC), with a password", () => p256, PASSWORD, false],
      ["OpenSSL 3 default, without a password", () => p256, undefined, false],
      ["-legacy (3DES/RC2-40, SHA-1 MAC), with a password", () => rsa, PASSWORD, true],
      ["-legacy, without a password", () => rsa, undefined, true],
    ] as const)("%s: the end-entity certificate, its key and the bundle's other certificates as the chain", async (_, leaf, password, legacy) => {
      const path = await file(`bundle-${legacy ? "legacy" : "default"}-${password === undefined ? "open" : "locked"}.p12`, await bundleOf(leaf(), { ...(password === undefined ? {} : { password }), legacy }));
      const material = await loadCredentialMaterial({ certificate: path, ...(password === undefined ? {} : { passphrase: password }) }, now);
      expect(material.certificate.serialNumber).toBe(new X509Certificate(leaf().certificatePem).serialNumber);
      expect(material.certificate.checkPrivateKey(material.privateKey)).toBe(true);
      expect(material.chain.map((certificate) => certificate.subject).sort()).toEqual([
        expect.stringContaining("intermediate"),
        expect.stringContaining("root"),
      ]);
    });

    it("recognises a bundle by its content, whatever the file is called, and as bytes", async () => {
      const bundle = await bundleOf(p256);
      await expect(loadCredentialMaterial({ certificate: await file("identity.bin", bundle) }, now)).resolves.toMatchObject({
        algorithm: "AWS4-X509-ECDSA-SHA256",
      });
      await expect(loadCredentialMaterial({ certificate: bundle }, now)).resolves.toMatchObject({ algorithm: "AWS4-X509-ECDSA-SHA256" });
    });

    it("asks for the password of a locked bundle, and refuses a wrong one without echoing it", async () => {
      const path = await file("locked.p12", await bundleOf(p256, { password: PASSWORD }));
      await expect(loadCredentialMaterial({ certificate: path }, now)).rejects.toMatchObject({
        code: "ROLES_ANYWHERE_PASSPHRASE_REQUIRED",
        message: expect.stringContaining(path),
      });
      const wrong = "not-the-p12-password-77";
      const error = await loadCredentialMaterial({ certificate: path, passphrase: wrong }, now).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "ROLES_ANYWHERE_PASSPHRASE_INCORRECT", tryNextLink: false });
      const rendered = inspect(error, { showHidden: true, depth: null });
      expect(rendered).not.toContain(wrong);
      expect(rendered).not.toContain(PASSWORD);
    });

    it("refuses a bundle without a key", async () => {
      const path = await file("no-key.p12", await bundleOf(p256, { withKey: false }));
      await expect(loadCredentialMaterial({ certificate: path }, now)).rejects.toMatchObject({
        code: "ROLES_ANYWHERE_INVALID_PRIVATE_KEY",
        message: expect.stringContaining("without a private key"),
      });
    });

    it("refuses a bundle whose key matches none of its certificates, naming the end-entity certificate", async () => {
      // openssl refuses -in/-inkey that do not match; -nocerts with -certfile bundles a key with a foreign certificate.
      const bundle = await exportPkcs12({ privateKeyPem: p256.privateKeyPem, extraCertificatesPem: rsa.certificatePem });
      const path = await file("mismatch.p12", bundle);
      await expect(loadCredentialMaterial({ certificate: path }, now)).rejects.toMatchObject({
        code: "ROLES_ANYWHERE_KEY_MISMATCH",
        message: expect.stringContaining(`serial ${rsa.serialNumberDecimal}`),
      });
    });

    it("refuses a separate key or chain beside a bundle, as AWS's helper does", async () => {
      const certificate = await file("with-extras.p12", await bundleOf(p256));
      for (const extra of [{ privateKey: p256.privateKeyPem }, { certificateChain: p256.chainPem }]) {
        await expect(loadCredentialMaterial({ certificate, ...extra }, now)).rejects.toMatchObject({
          code: "ROLES_ANYWHERE_INVALID_CERTIFICATE",
          message: expect.stringContaining("PKCS#12"),
        });
      }
    });

    it("refuses a damaged bundle named .p12", async () => {
      const bundle = await bundleOf(p256);
      const path = await file("damaged.p12", bundle.subarray(0, bundle.length >> 1));
      await expect(loadCredentialMaterial({ certificate: path }, now)).rejects.toMatchObject({
        code: "ROLES_ANYWHERE_INVALID_CERTIFICATE",
        message: expect.stringContaining("not a readable PKCS#12 bundle"),
      });
    });
  });

  it(`${inspectCertificate.name} describes a bundle's end-entity certificate and says its key matches`, async () => {
    const path = await file("inspect.p12", await bundleOf(p256, { password: PASSWORD }));
    await expect(inspectCertificate({ certificate: path, passphrase: PASSWORD })).resolves.toMatchObject({
      serialNumber: p256.serialNumberDecimal,
      keyMatches: true,
    });
  });
});

describe(isPkcs12.name, () => {
  it("tells a PFX from a DER certificate by content", async () => {
    expect(isPkcs12({ name: "the inline certificate", bytes: p256.certificateDer })).toBe(false);
    expect(isPkcs12({ name: "the inline certificate", bytes: Buffer.from(p256.certificatePem) })).toBe(false);
    // SEQUENCE (long length) { INTEGER 3, … }
    expect(isPkcs12({ name: "x", bytes: Buffer.from([0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x03, 0x30, 0x00]) })).toBe(true);
    expect(isPkcs12({ name: "/etc/identity.PFX", bytes: Buffer.from("damaged") })).toBe(true);
  });
});

describe(endEntityFirst.name, () => {
  it("puts first the certificate that issued none of the others, keeping the others' order", () => {
    const root = new X509Certificate(pki.rootCertificatePem);
    const intermediate = new X509Certificate(pki.intermediateCertificatePem);
    const leaf = new X509Certificate(p256.certificatePem);
    expect(endEntityFirst([root, intermediate, leaf])).toEqual([leaf, root, intermediate]);
    expect(endEntityFirst([root])).toEqual([root]);
  });
});
