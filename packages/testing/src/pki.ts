// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata API loaded first.
import "reflect-metadata";
import { createPublicKey, randomBytes, webcrypto, X509Certificate as NodeX509Certificate } from "node:crypto";
import * as x509 from "@peculiar/x509";

type CryptoKeyPair = webcrypto.CryptoKeyPair;

// A test PKI made at test time — root CA → intermediate CA → leaves — so no key or certificate is ever committed.

/** Key types IAM Roles Anywhere accepts, as the tests name them. */
export type TestKeyType = "rsa2048" | "p256" | "p384";

/** Options of {@link TestPki.issueLeaf}. */
export interface IssueLeafOptions {
  /** @defaultValue the PKI's key type */
  keyType?: TestKeyType;
  /** @defaultValue one hour before the PKI's clock */
  notBefore?: Date;
  /** @defaultValue 30 days after the PKI's clock */
  notAfter?: Date;
  /** Hexadecimal serial number. @defaultValue 16 random bytes, high bit clear (a positive DER INTEGER) */
  serialNumber?: string;
  /** Distinguished name, e.g. "CN=workload.example.test, O=Example". @defaultValue "CN=workload.test" */
  subject?: string;
  /** @defaultValue "intermediate" */
  signedBy?: "root" | "intermediate";
}

/** A leaf certificate and its private key. */
export interface TestLeaf {
  readonly certificatePem: string;
  readonly certificateDer: Buffer;
  /** PKCS#8 PEM, unencrypted. */
  readonly privateKeyPem: string;
  /** The serial number in decimal, as it appears in the SigV4-X509 credential scope. */
  readonly serialNumberDecimal: string;
  /** The intermediate CA's PEM when the leaf was signed by it, else "" (what a client sends as its chain). */
  readonly chainPem: string;
  readonly keyType: TestKeyType;
}

/** A certificate issued for a public key whose private key the PKI never sees (one in a token). */
export type TestCertificate = Omit<TestLeaf, "privateKeyPem">;

/** A root CA and an intermediate CA able to issue leaves. */
export interface TestPki {
  /** The trust anchor: register this as the Roles Anywhere trust anchor's CA. */
  readonly rootCertificatePem: string;
  readonly intermediateCertificatePem: string;
  issueLeaf(options?: IssueLeafOptions): Promise<TestLeaf>;
  /** Issues a leaf certificate for a public key (SPKI DER, RSA or EC P-256/P-384) held elsewhere, e.g. in an HSM. */
  issueCertificateFor(publicKeySpki: Uint8Array, options?: Omit<IssueLeafOptions, "keyType">): Promise<TestCertificate>;
}

interface Authority {
  readonly certificate: x509.X509Certificate;
  readonly keys: CryptoKeyPair;
  readonly keyType: TestKeyType;
}

// @peculiar/x509 is typed against the DOM's Crypto; Node's webcrypto is the same API.
const crypto = webcrypto as unknown as NonNullable<Parameters<typeof x509.X509CertificateGenerator.create>[1]>;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const keyAlgorithms: Record<TestKeyType, webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams> = {
  rsa2048: { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
  p256: { name: "ECDSA", namedCurve: "P-256" },
  p384: { name: "ECDSA", namedCurve: "P-384" },
};

const signingAlgorithms: Record<TestKeyType, webcrypto.Algorithm | webcrypto.EcdsaParams> = {
  rsa2048: { name: "RSASSA-PKCS1-v1_5" },
  p256: { name: "ECDSA", hash: "SHA-256" },
  p384: { name: "ECDSA", hash: "SHA-384" },
};

/** Options of {@link createTestPki}. */
export interface TestPkiOptions {
  /** The CAs' key type; leaves default to it too. @defaultValue "rsa2048" */
  keyType?: TestKeyType;
  /**
   * The clock that dates the CAs and the default leaf validity, in ms since the epoch. A test that gives a fixed
   * clock to the code it checks gives the same one here. @defaultValue Date.now
   */
  now?: () => number;
}

/** Creates a root CA and an intermediate CA (both of `keyType`), valid from a day before the clock for ten years. */
export async function createTestPki(options: TestPkiOptions = {}): Promise<TestPki> {
  const keyType = options.keyType ?? "rsa2048";
  const clock = options.now ?? Date.now;
  const now = clock();
  const validity = { notBefore: new Date(now - DAY_MS), notAfter: new Date(now + 3650 * DAY_MS) };

  const rootKeys = await generateKeys(keyType);
  const rootCertificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: "CN=workload-identity test root CA, O=workload-identity tests",
      ...validity,
      keys: rootKeys,
      signingAlgorithm: signingAlgorithms[keyType],
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const root: Authority = { certificate: rootCertificate, keys: rootKeys, keyType };

  const intermediateKeys = await generateKeys(keyType);
  const intermediateCertificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: "CN=workload-identity test intermediate CA, O=workload-identity tests",
      issuer: rootCertificate.subject,
      ...validity,
      publicKey: intermediateKeys.publicKey,
      signingKey: rootKeys.privateKey,
      signingAlgorithm: signingAlgorithms[keyType],
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(intermediateKeys.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const intermediate: Authority = { certificate: intermediateCertificate, keys: intermediateKeys, keyType };

  return {
    rootCertificatePem: rootCertificate.toString("pem"),
    intermediateCertificatePem: intermediateCertificate.toString("pem"),
    issueLeaf: (leafOptions = {}) =>
      issueLeaf(leafOptions.signedBy === "root" ? root : intermediate, keyType, clock(), leafOptions),
    issueCertificateFor: async (publicKeySpki, leafOptions = {}) => {
      const publicKey = await importPublicKey(publicKeySpki);
      return issueCertificate(leafOptions.signedBy === "root" ? root : intermediate, publicKey.keyType, publicKey.key, clock(), leafOptions);
    },
  };
}

async function issueLeaf(
  issuer: Authority,
  defaultKeyType: TestKeyType,
  now: number,
  options: IssueLeafOptions,
): Promise<TestLeaf> {
  const keyType = options.keyType ?? defaultKeyType;
  const keys = await generateKeys(keyType);
  const certificate = await issueCertificate(issuer, keyType, keys.publicKey, now, options);
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  return { ...certificate, privateKeyPem: toPem("PRIVATE KEY", pkcs8) };
}

async function issueCertificate(
  issuer: Authority,
  keyType: TestKeyType,
  publicKey: webcrypto.CryptoKey,
  now: number,
  options: IssueLeafOptions,
): Promise<TestCertificate> {
  const certificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: options.serialNumber ?? randomSerial(),
      subject: options.subject ?? "CN=workload.test, O=workload-identity tests",
      issuer: issuer.certificate.subject,
      notBefore: options.notBefore ?? new Date(now - HOUR_MS),
      notAfter: options.notAfter ?? new Date(now + 30 * DAY_MS),
      publicKey,
      signingKey: issuer.keys.privateKey,
      signingAlgorithm: signingAlgorithms[issuer.keyType],
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        await x509.SubjectKeyIdentifierExtension.create(publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const certificateDer = Buffer.from(certificate.rawData);
  return {
    certificatePem: certificate.toString("pem"),
    certificateDer,
    // Node's parser is the reference for what a client puts in the credential scope.
    serialNumberDecimal: BigInt(`0x${new NodeX509Certificate(certificateDer).serialNumber}`).toString(10),
    chainPem: issuer.certificate.subject === issuer.certificate.issuer ? "" : issuer.certificate.toString("pem"),
    keyType,
  };
}

/** A public key from SPKI DER, with the test key type it is. */
async function importPublicKey(spki: Uint8Array): Promise<{ key: webcrypto.CryptoKey; keyType: TestKeyType }> {
  const details = createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  const curve = details.asymmetricKeyDetails?.namedCurve;
  const keyType: TestKeyType | undefined =
    details.asymmetricKeyType === "rsa" ? "rsa2048" : curve === "prime256v1" ? "p256" : curve === "secp384r1" ? "p384" : undefined;
  if (keyType === undefined) throw new Error(`test PKI: unsupported public key ${details.asymmetricKeyType ?? "?"} ${curve ?? ""}`);
  const key = await webcrypto.subtle.importKey("spki", spki, keyAlgorithms[keyType], true, ["verify"]);
  return { key, keyType };
}

async function generateKeys(keyType: TestKeyType): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(keyAlgorithms[keyType], true, ["sign", "verify"])) as CryptoKeyPair;
}

function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x10; // positive, and no leading zero byte to strip
  return bytes.toString("hex");
}

function toPem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
