import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import type Forge from "node-forge";
import { CertificateMaterialError } from "./errors.js";
import { capitalize, passphraseIncorrect, passphraseRequired, type ReadInput } from "./material.js";

// PKCS#12 (.p12/.pfx) bundles: the leaf, its chain and its key in one file. node:crypto cannot take a bundle apart, so
// node-forge does; it reads what OpenSSL 3 writes by default (PBES2, AES-256-CBC, HMAC-SHA256 MAC) and with -legacy
// (SHA-1, 3DES, RC2-40). Certificates and keys leave forge as DER and are parsed by node:crypto like any other.
// node-forge is loaded at the first bundle read, so importing this package stays cheap (it costs ~50 ms).

type ForgeModule = typeof Forge;

/** What {@link readPkcs12Material} needs besides the bundle. */
export interface Pkcs12Context {
  /** A separate key or chain input: refused, since the bundle carries both (as AWS's helper refuses them). */
  readonly keyInput: ReadInput | undefined;
  readonly chainInput: ReadInput | undefined;
  readonly passphrase: string | undefined;
}

/** The leaf, the other certificates of the bundle (its chain) and the key, with input names for messages. */
export interface Pkcs12Material {
  readonly certificate: X509Certificate;
  readonly chain: readonly X509Certificate[];
  readonly privateKey: KeyObject;
  /** The names of the inputs each came from, for messages. */
  readonly certificateName: string;
  readonly keyName: string;
  readonly chainName: string;
}

const PKCS12_NAME = /\.(p12|pfx)$/i;

/**
 * A PKCS#12 PFX by content: DER `SEQUENCE { INTEGER 3, … }` (a DER certificate starts with a SEQUENCE inside the
 * SEQUENCE instead), or any input whose file name ends in .p12 or .pfx (so a damaged bundle is reported as one).
 */
export function isPkcs12(input: ReadInput): boolean {
  if (PKCS12_NAME.test(input.name)) return true;
  const bytes = input.bytes;
  if (bytes.length < 8 || bytes[0] !== 0x30) return false;
  const first = bytes[1] ?? 0;
  // The length is short form (< 0x80) or 0x81–0x84 followed by that many length bytes.
  const headerLength = first < 0x80 ? 2 : 2 + (first & 0x7f);
  return bytes[headerLength] === 0x02 && bytes[headerLength + 1] === 0x01 && bytes[headerLength + 2] === 0x03;
}

/**
 * Opens a bundle with `passphrase` (or with the empty password when none is given), picks the end-entity certificate
 * as AWS's helper does (the one that issued none of the others; else the first) and keeps the others, in bundle
 * order, as the chain.
 * @throws CertificateMaterialError
 */
export async function readPkcs12Material(input: ReadInput, context: Pkcs12Context): Promise<Pkcs12Material> {
  if (context.keyInput !== undefined || context.chainInput !== undefined) {
    throw new CertificateMaterialError(
      "ROLES_ANYWHERE_INVALID_CERTIFICATE",
      `${capitalize(input.name)} is a PKCS#12 bundle, which carries the private key and the chain itself: drop ` +
        "privateKey and certificateChain (with the CLI, --private-key and --intermediates).",
    );
  }
  const forge = await loadForge();
  const bundle = openBundle(forge, input, context.passphrase);
  const certificates = bundleCertificates(forge, bundle, input.name);
  const [certificate, ...chain] = endEntityFirst(certificates);
  if (certificate === undefined) {
    throw new CertificateMaterialError(
      "ROLES_ANYWHERE_INVALID_CERTIFICATE",
      `${capitalize(input.name)} is a PKCS#12 bundle without a certificate. Export it with the certificate ` +
        "(openssl pkcs12 -export -in CERT -inkey KEY -certfile CHAIN).",
    );
  }
  const keyName = `the key in ${input.name}`;
  return {
    certificate,
    chain,
    privateKey: bundleKey(forge, bundle, certificate, keyName),
    certificateName: input.name,
    keyName,
    chainName: input.name,
  };
}

/** node-forge is CommonJS: ESM sees it as `default`, the CommonJS build's `require` as the module itself. */
async function loadForge(): Promise<ForgeModule> {
  const loaded = (await import("node-forge")) as unknown as { default?: ForgeModule } & ForgeModule;
  return loaded.default ?? loaded;
}

function openBundle(forge: ForgeModule, input: ReadInput, passphrase: string | undefined): Forge.pkcs12.Pkcs12Pfx {
  let asn1: Forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(input.bytes.toString("binary")));
  } catch (error) {
    throw notABundle(input.name, error);
  }
  try {
    return forge.pkcs12.pkcs12FromAsn1(asn1, passphrase ?? "");
  } catch (error) {
    // forge says "Invalid password?" (MAC) or "wrong password?" (an encrypted bag); its error is not kept.
    if (/password/i.test((error as Error).message)) {
      throw passphrase === undefined || passphrase === "" ? passphraseRequired(input.name) : passphraseIncorrect(input.name, undefined);
    }
    throw notABundle(input.name, error);
  }
}

function bundleCertificates(forge: ForgeModule, bundle: Forge.pkcs12.Pkcs12Pfx, name: string): X509Certificate[] {
  const bags = bundle.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag ?? ""] ?? [];
  return bags.map((bag, index) => {
    // forge parses RSA certificates itself and leaves the others (EC) as ASN.1.
    const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
    try {
      return new X509Certificate(Buffer.from(forge.asn1.toDer(asn1).getBytes(), "binary"));
    } catch (error) {
      throw new CertificateMaterialError(
        "ROLES_ANYWHERE_INVALID_CERTIFICATE",
        `Certificate ${index + 1} of the PKCS#12 bundle ${name} is not a valid X.509 certificate. Re-export the bundle.`,
        { cause: error },
      );
    }
  });
}

/** AWS's helper: the end entity is the certificate whose subject is no other certificate's issuer; else the first. */
export function endEntityFirst(certificates: readonly X509Certificate[]): X509Certificate[] {
  const leafIndex = certificates.findIndex(
    (candidate, index) =>
      !certificates.some((other, otherIndex) => otherIndex !== index && other.issuer === candidate.subject),
  );
  if (leafIndex <= 0) return [...certificates];
  return [certificates[leafIndex] as X509Certificate, ...certificates.filter((_, index) => index !== leafIndex)];
}

/** The bundle's key: the one matching the leaf when there are several, else the only one. */
function bundleKey(forge: ForgeModule, bundle: Forge.pkcs12.Pkcs12Pfx, leaf: X509Certificate, name: string): KeyObject {
  const oids = forge.pki.oids;
  const bags = [oids.pkcs8ShroudedKeyBag, oids.keyBag].flatMap(
    (bagType = "") => bundle.getBags({ bagType })[bagType] ?? [],
  );
  const keys = bags.map((bag) => {
    // forge parses RSA keys itself and leaves the others (EC) as decrypted PKCS#8 ASN.1.
    const der = bag.key
      ? forge.asn1.toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key))).getBytes()
      : forge.asn1.toDer(bag.asn1).getBytes();
    const bytes = Buffer.from(der, "binary");
    try {
      return createPrivateKey({ key: bytes, format: "der", type: "pkcs8" });
    } catch (error) {
      throw new CertificateMaterialError(
        "ROLES_ANYWHERE_INVALID_PRIVATE_KEY",
        `${capitalize(name)} is not a private key node:crypto can read. Re-export the bundle with an RSA or EC key.`,
        { cause: error },
      );
    } finally {
      bytes.fill(0);
    }
  });
  const key = keys.find((candidate) => leaf.checkPrivateKey(candidate)) ?? keys[0];
  if (key === undefined) {
    throw new CertificateMaterialError(
      "ROLES_ANYWHERE_INVALID_PRIVATE_KEY",
      `${capitalize(name.replace(/^the key in /, ""))} is a PKCS#12 bundle without a private key. Export it with the ` +
        "key (openssl pkcs12 -export -in CERT -inkey KEY), or give the key separately with a PEM certificate.",
    );
  }
  return key;
}

function notABundle(name: string, cause: unknown): CertificateMaterialError {
  return new CertificateMaterialError(
    "ROLES_ANYWHERE_INVALID_CERTIFICATE",
    `${capitalize(name)} is not a readable PKCS#12 bundle (damaged, truncated, or not PKCS#12). Re-export it with ` +
      "openssl pkcs12 -export, or give a PEM or DER certificate.",
    { cause },
  );
}
