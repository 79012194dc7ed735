import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { open } from "node:fs/promises";
import { looksLikeSecret, registerSecret } from "@workload-identity/core";
import { CertificateMaterialError } from "./errors.js";
import type { MaterialInput } from "./options.js";
import { isPkcs12, type Pkcs12Material, readPkcs12Material } from "./pkcs12.js";
import { isPkcs11Uri, printablePkcs11Uri } from "./pkcs11-uri.js";

// Reads and checks the certificate, chain and key. Parsing is node:crypto's (OpenSSL); this file only finds PEM blocks.

/** The two signing algorithms of IAM Roles Anywhere. Both hash with SHA-256, whatever the key size or curve. */
export type SigningAlgorithm = "AWS4-X509-RSA-SHA256" | "AWS4-X509-ECDSA-SHA256";

/** A certificate, its chain and its private key, checked and ready to sign with. */
export interface CredentialMaterial {
  readonly certificate: X509Certificate;
  readonly chain: readonly X509Certificate[];
  readonly privateKey: KeyObject;
  readonly algorithm: SigningAlgorithm;
}

/** Where each piece comes from, for {@link loadCredentialMaterial}. */
export interface CredentialMaterialSource {
  /** A certificate (PEM or DER), a PEM holding the certificate and its key, or a PKCS#12 bundle. */
  certificate: MaterialInput;
  /** The key; omitted when `certificate` holds it too (a combined PEM or a PKCS#12 bundle). */
  privateKey?: MaterialInput | undefined;
  certificateChain?: MaterialInput | undefined;
  /** The passphrase of an encrypted key, or the password of a PKCS#12 bundle. */
  passphrase?: string | undefined;
}

/** The pieces found in the inputs, before the checks they all get: the shape a PKCS#12 bundle yields too. */
type FoundMaterial = Pkcs12Material;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
const KEY_LABELS = new Set(["PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"]);
const SUPPORTED_CURVES: Record<string, string> = { prime256v1: "P-256", secp384r1: "P-384" };

/** A certificate, chain or key file is a few KiB; anything this large is the wrong file (and would be read whole). */
export const MAX_MATERIAL_FILE_BYTES = 1024 * 1024;
/** The most intermediates sent in `X-Amz-X509-Chain`; real chains have one or two. */
export const MAX_CHAIN_CERTIFICATES = 5;
/** The most bytes of `X-Amz-X509-Chain` (base64 DER, comma-separated): past this, servers and proxies refuse the header. */
export const MAX_CHAIN_HEADER_BYTES = 16 * 1024;

/**
 * Reads (paths asynchronously, every call) and checks the certificate, chain and key: each parses, the key is RSA or
 * EC P-256/P-384 and matches the certificate, and the certificate is within its validity period at `now`. The
 * certificate input may hold the key too (a combined PEM) or be a PKCS#12 bundle holding key and chain.
 * @throws CertificateMaterialError
 */
export async function loadCredentialMaterial(source: CredentialMaterialSource, now: Date): Promise<CredentialMaterial> {
  const [certificateInput, keyInput, chainInput] = await Promise.all([
    readInput(source.certificate, "certificate"),
    source.privateKey === undefined ? undefined : readInput(source.privateKey, "private key"),
    source.certificateChain === undefined ? undefined : readInput(source.certificateChain, "certificate chain"),
  ]);
  // From now on the redaction rule removes the passphrase from any message, whoever writes it.
  registerSecret(source.passphrase);
  const found = isPkcs12(certificateInput)
    ? await readPkcs12Material(certificateInput, { keyInput, chainInput, passphrase: source.passphrase })
    : readPemMaterial(certificateInput, keyInput, chainInput, source.passphrase);
  const { certificate, chain, privateKey } = found;
  checkChainSize(chain, found.chainName);
  const algorithm = signingAlgorithmFor(privateKey, found.keyName);
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new CertificateMaterialError(
      "ROLES_ANYWHERE_KEY_MISMATCH",
      `The private key ${found.keyName} does not match the public key of the certificate ${describeCertificate(certificate)} ` +
        `in ${found.certificateName}. Use the key the certificate was issued for (after a rotation, both files must be updated).`,
    );
  }
  checkValidity(certificate, found.certificateName, now);
  return { certificate, chain, privateKey, algorithm };
}

/** PEM or DER inputs: the key comes from its own input, else from the certificate's (a combined PEM). */
function readPemMaterial(
  certificateInput: ReadInput,
  keyInput: ReadInput | undefined,
  chainInput: ReadInput | undefined,
  passphrase: string | undefined,
): FoundMaterial {
  const [certificate, ...bundled] = parseCertificates(certificateInput, "ROLES_ANYWHERE_INVALID_CERTIFICATE");
  if (certificate === undefined) throw new Error("unreachable: parseCertificates returns at least one certificate");
  const chain = chainInput === undefined ? bundled : parseCertificates(chainInput, "ROLES_ANYWHERE_INVALID_CERTIFICATE_CHAIN");
  const keySource = keyInput ?? combinedKeyInput(certificateInput);
  registerSecret(keySource.bytes.toString("utf8"));
  return {
    certificate,
    chain,
    privateKey: parsePrivateKey(keySource, passphrase),
    certificateName: certificateInput.name,
    keyName: keySource.name,
    chainName: (chainInput ?? certificateInput).name,
  };
}

/** The key blocks of a certificate input given without a key; refused when it has none. */
function combinedKeyInput(certificateInput: ReadInput): ReadInput {
  const keyBlocks = looksLikePem(certificateInput.bytes)
    ? pemBlocks(certificateInput.bytes.toString("utf8")).filter((block) => KEY_LABELS.has(block.label))
    : [];
  if (keyBlocks.length === 0) {
    throw new CertificateMaterialError(
      "ROLES_ANYWHERE_INVALID_PRIVATE_KEY",
      `No private key was given and ${certificateInput.name} holds none. Give the key (privateKey; with the CLI, ` +
        "--private-key), or a PEM holding the certificate and its key, or a PKCS#12 bundle.",
    );
  }
  // Only the key is a secret: the certificates of the same file stay readable in messages.
  return { name: `the key in ${certificateInput.name}`, bytes: Buffer.from(keyBlocks.map((block) => block.text).join("\n")) };
}

/** The input's bytes and a name for messages: the path, or "the inline certificate". */
export interface ReadInput {
  readonly name: string;
  readonly bytes: Buffer;
}

/**
 * Reads a path, or wraps inline PEM text / bytes. A string is inline content when it holds a proper PEM header; any
 * other string that looks like a secret (base64 of a PEM, as in a Kubernetes Secret's `data:`; a PEM with a damaged
 * BEGIN line; hex or base64 DER) is refused without being echoed, never read as a path.
 */
export async function readInput(input: MaterialInput, what: string): Promise<ReadInput> {
  if (typeof input !== "string") return { name: `the inline ${what}`, bytes: Buffer.from(input) };
  if (/-----BEGIN [A-Z0-9 ]+-----/.test(input)) return { name: `the inline ${what}`, bytes: Buffer.from(input, "utf8") };
  if (isPkcs11Uri(input)) {
    // Never a path: quoted as one, its pin-value would reach the message. Printed as parsed, without the PIN.
    throw new CertificateMaterialError(
      "ROLES_ANYWHERE_FILE_UNREADABLE",
      `The ${what} is a PKCS#11 URI (${printablePkcs11Uri(input)}), which is read from its token only as the ` +
        "privateKey (and certificate) of fromRolesAnywhere; here give a file path or PEM text.",
    );
  }
  if (looksLikeSecret(input)) {
    registerSecret(input);
    throw new CertificateMaterialError(
      "ROLES_ANYWHERE_FILE_UNREADABLE",
      `The ${what} is neither a file path nor PEM text: it looks like encoded key or certificate material. Give a ` +
        "file path, or the PEM text with intact -----BEGIN and -----END lines (the base64 `data:` value of a " +
        "Kubernetes Secret must be decoded first: mount the Secret as a file, or use `stringData`).",
    );
  }
  try {
    return { name: input, bytes: await readSmallFile(input, what) };
  } catch (error) {
    if (error instanceof CertificateMaterialError) throw error;
    const reason = (error as NodeJS.ErrnoException).code ?? "read error";
    throw new CertificateMaterialError(
      "ROLES_ANYWHERE_FILE_UNREADABLE",
      `Cannot read the ${what} file ${input} (${reason}). Check the path and that this process may read it ` +
        "(for a Kubernetes secret, the volume mount and its defaultMode).",
      { cause: error },
    );
  }
}

/** Reads a file of at most MAX_MATERIAL_FILE_BYTES, without reading more of a larger one. */
async function readSmallFile(path: string, what: string): Promise<Buffer> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    if (size > MAX_MATERIAL_FILE_BYTES) {
      throw new CertificateMaterialError(
        "ROLES_ANYWHERE_FILE_TOO_LARGE",
        `The ${what} file ${path} is ${size} bytes; a ${what} is a few KiB (at most ${MAX_MATERIAL_FILE_BYTES} bytes ` +
          "are read). Check that the path names the right file.",
      );
    }
    return await file.readFile();
  } finally {
    await file.close();
  }
}

/** Refuses a chain too long for the `X-Amz-X509-Chain` header, before anything is sent. */
export function checkChainSize(chain: readonly X509Certificate[], name: string): void {
  const headerBytes = chain.reduce((total, certificate) => total + Math.ceil(certificate.raw.length / 3) * 4 + 1, 0);
  if (chain.length > MAX_CHAIN_CERTIFICATES || headerBytes > MAX_CHAIN_HEADER_BYTES) {
    throw new CertificateMaterialError(
      "ROLES_ANYWHERE_INVALID_CERTIFICATE_CHAIN",
      `${capitalize(name)} gives ${chain.length} intermediate certificates (${headerBytes} bytes in X-Amz-X509-Chain); ` +
        `at most ${MAX_CHAIN_CERTIFICATES} and ${MAX_CHAIN_HEADER_BYTES} bytes are sent. Keep only the intermediates ` +
        "between your certificate and the trust anchor's CA (not the CA itself, nor unrelated certificates).",
    );
  }
}

/** Parses every certificate of a PEM bundle, or one DER certificate. */
export function parseCertificates(
  input: ReadInput,
  code: "ROLES_ANYWHERE_INVALID_CERTIFICATE" | "ROLES_ANYWHERE_INVALID_CERTIFICATE_CHAIN",
): X509Certificate[] {
  const what = code === "ROLES_ANYWHERE_INVALID_CERTIFICATE" ? "certificate" : "certificate chain";
  if (!looksLikePem(input.bytes)) {
    try {
      return [new X509Certificate(input.bytes)];
    } catch (error) {
      throw new CertificateMaterialError(
        code,
        `${capitalize(input.name)} is neither a PEM ${what} nor a DER certificate. Give a file with ` +
          "-----BEGIN CERTIFICATE----- blocks (or one DER certificate).",
        { cause: error },
      );
    }
  }
  const blocks = pemBlocks(input.bytes.toString("utf8"));
  const certificates = blocks.filter((block) => block.label === "CERTIFICATE");
  if (certificates.length === 0) {
    const found = blocks.some((block) => KEY_LABELS.has(block.label))
      ? " It holds a private key: are the certificate and key paths swapped?"
      : "";
    throw new CertificateMaterialError(code, `${capitalize(input.name)} holds no -----BEGIN CERTIFICATE----- block.${found}`);
  }
  return certificates.map((block, index) => {
    try {
      return new X509Certificate(block.text);
    } catch (error) {
      throw new CertificateMaterialError(
        code,
        `Certificate ${index + 1} of ${input.name} is not a valid X.509 certificate (damaged or truncated PEM). ` +
          `Re-export the ${what}.`,
        { cause: error },
      );
    }
  });
}

/** Parses a PEM (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1) or DER private key. Errors never quote the key. */
export function parsePrivateKey(input: ReadInput, passphrase: string | undefined): KeyObject {
  if (looksLikePem(input.bytes)) {
    const blocks = pemBlocks(input.bytes.toString("utf8"));
    const block = blocks.find((candidate) => KEY_LABELS.has(candidate.label));
    if (block === undefined) {
      const hint = blocks.some((candidate) => candidate.label === "OPENSSH PRIVATE KEY")
        ? " It is an OpenSSH key: convert it with `ssh-keygen -p -m PKCS8 -f FILE`."
        : blocks.some((candidate) => candidate.label === "CERTIFICATE")
          ? " It holds a certificate: are the certificate and key paths swapped?"
          : "";
      throw new CertificateMaterialError(
        "ROLES_ANYWHERE_INVALID_PRIVATE_KEY",
        `${capitalize(input.name)} holds no PEM private key (PRIVATE KEY, ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY or ` +
          `EC PRIVATE KEY block).${hint}`,
      );
    }
    const encrypted = block.label === "ENCRYPTED PRIVATE KEY" || /^Proc-Type:\s*4,ENCRYPTED/m.test(block.text);
    if (encrypted && (passphrase === undefined || passphrase === "")) throw passphraseRequired(input.name);
    return createKey(input.name, encrypted, () =>
      createPrivateKey(encrypted ? { key: block.text, format: "pem", passphrase: passphrase ?? "" } : { key: block.text, format: "pem" }),
    );
  }
  let lastError: unknown;
  for (const type of ["pkcs8", "pkcs1", "sec1"] as const) {
    try {
      return createPrivateKey(
        type === "pkcs8" && passphrase !== undefined
          ? { key: input.bytes, format: "der", type, passphrase }
          : { key: input.bytes, format: "der", type },
      );
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === "ERR_MISSING_PASSPHRASE") throw passphraseRequired(input.name);
      if (code === "ERR_OSSL_BAD_DECRYPT") throw passphraseIncorrect(input.name, error);
      // The same 1-in-256 case as in `createKey`: an EncryptedPrivateKeyInfo that does not decrypt to a key.
      if (type === "pkcs8" && passphrase !== undefined && isEncryptedPkcs8Der(input.bytes)) {
        throw passphraseIncorrect(input.name, error);
      }
      lastError = error;
    }
  }
  throw new CertificateMaterialError(
    "ROLES_ANYWHERE_INVALID_PRIVATE_KEY",
    `${capitalize(input.name)} is neither a PEM private key nor a DER PKCS#8, PKCS#1 or SEC1 key. ` +
      "Give the key the certificate was issued for, in PEM.",
    { cause: lastError },
  );
}

function createKey(name: string, encrypted: boolean, create: () => KeyObject): KeyObject {
  try {
    return create();
  } catch (error) {
    // A wrong passphrase usually fails the padding check (bad decrypt), but 1 time in 256 the padding passes and the
    // garbage then fails to parse: for an encrypted key both mean the passphrase did not give back the key.
    if (encrypted) throw passphraseIncorrect(name, error);
    throw new CertificateMaterialError(
      "ROLES_ANYWHERE_INVALID_PRIVATE_KEY",
      `${capitalize(name)} is not a valid private key (damaged or truncated PEM). Re-export the key.`,
      { cause: error },
    );
  }
}

/**
 * The Roles Anywhere signing algorithm for a key: RSA (any size) or ECDSA on P-256 or P-384.
 * @throws CertificateMaterialError `ROLES_ANYWHERE_UNSUPPORTED_KEY` for any other key type or curve
 */
export function signingAlgorithmFor(key: KeyObject, name = "the private key"): SigningAlgorithm {
  if (key.asymmetricKeyType === "rsa") return "AWS4-X509-RSA-SHA256";
  if (key.asymmetricKeyType === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? "unknown";
    if (SUPPORTED_CURVES[curve] !== undefined) return "AWS4-X509-ECDSA-SHA256";
    throw new CertificateMaterialError(
      "ROLES_ANYWHERE_UNSUPPORTED_KEY",
      `${capitalize(name)} is an EC key on curve ${curve}; IAM Roles Anywhere signs with RSA or EC P-256/P-384 keys. ` +
        "Issue the certificate for an RSA, P-256 or P-384 key.",
    );
  }
  throw new CertificateMaterialError(
    "ROLES_ANYWHERE_UNSUPPORTED_KEY",
    `${capitalize(name)} is a ${key.asymmetricKeyType ?? "symmetric"} key; IAM Roles Anywhere signs with RSA or EC ` +
      "P-256/P-384 keys. Issue the certificate for an RSA, P-256 or P-384 key.",
  );
}

/** `validFrom` / `validTo` as dates (Node 20's X509Certificate has only the strings). */
export function validityOf(certificate: X509Certificate): { validFrom: Date; validTo: Date } {
  return { validFrom: new Date(certificate.validFrom), validTo: new Date(certificate.validTo) };
}

export function checkValidity(certificate: X509Certificate, name: string, now: Date): void {
  const { validFrom, validTo } = validityOf(certificate);
  if (now.getTime() < validFrom.getTime()) {
    throw new CertificateMaterialError(
      "ROLES_ANYWHERE_CERTIFICATE_NOT_YET_VALID",
      `The certificate ${describeCertificate(certificate)} in ${name} is not valid before ${validFrom.toISOString()} ` +
        `(now is ${now.toISOString()}). Check this host's clock, or wait until the certificate becomes valid.`,
    );
  }
  if (now.getTime() > validTo.getTime()) {
    throw new CertificateMaterialError(
      "ROLES_ANYWHERE_CERTIFICATE_EXPIRED",
      `The certificate ${describeCertificate(certificate)} in ${name} expired at ${validTo.toISOString()} ` +
        `(now is ${now.toISOString()}). Renew it (and check that the renewed file is what this process reads).`,
    );
  }
}

/** "subject "CN=x, O=y", serial 1234" — identifies a certificate in messages; neither part is secret. */
export function describeCertificate(certificate: X509Certificate): string {
  return `subject "${oneLineName(certificate.subject)}", serial ${serialNumberDecimal(certificate)}`;
}

/** The serial number in decimal, as the SigV4-X509 credential scope carries it. */
export function serialNumberDecimal(certificate: X509Certificate): string {
  return BigInt(`0x${certificate.serialNumber}`).toString(10);
}

/** Node prints distinguished names one attribute per line; messages want one line. */
export function oneLineName(name: string): string {
  return name.split("\n").filter(Boolean).join(", ");
}

export function passphraseRequired(name: string): CertificateMaterialError {
  return new CertificateMaterialError(
    "ROLES_ANYWHERE_PASSPHRASE_REQUIRED",
    `${capitalize(name)} is encrypted: give its passphrase (the passphrase option; with the CLI, --private-key-passphrase-file).`,
  );
}

export function passphraseIncorrect(name: string, cause: unknown): CertificateMaterialError {
  return new CertificateMaterialError(
    "ROLES_ANYWHERE_PASSPHRASE_INCORRECT",
    `The passphrase does not decrypt ${name} (or the encrypted key is damaged). Give the passphrase the key was ` +
      "encrypted with.",
    { cause },
  );
}

/**
 * Whether DER bytes are a PKCS#8 EncryptedPrivateKeyInfo: a SEQUENCE of a SEQUENCE (the encryption algorithm, short
 * enough for a one-byte length) and an OCTET STRING, where a plain PKCS#8, PKCS#1 or SEC1 key starts with an INTEGER.
 */
function isEncryptedPkcs8Der(bytes: Buffer): boolean {
  if (bytes[0] !== 0x30 || bytes.length < 4) return false;
  const lengthByte = bytes[1] ?? 0;
  const headerLength = lengthByte < 0x80 ? 2 : 2 + (lengthByte & 0x7f);
  if (bytes[headerLength] !== 0x30) return false;
  // After the algorithm identifier comes the encrypted key, an OCTET STRING (a certificate has a SEQUENCE there).
  const algorithmLengthByte = bytes[headerLength + 1] ?? 0;
  if (algorithmLengthByte >= 0x80) return false;
  return bytes[headerLength + 2 + algorithmLengthByte] === 0x04;
}

function looksLikePem(bytes: Buffer): boolean {
  return bytes.includes("-----BEGIN ");
}

interface PemBlock {
  readonly label: string;
  readonly text: string;
}

function pemBlocks(text: string): PemBlock[] {
  return Array.from(text.matchAll(PEM_BLOCK), (match) => ({ label: match[1] ?? "", text: match[0] }));
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
