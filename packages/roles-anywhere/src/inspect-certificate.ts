import type { KeyObject } from "node:crypto";
import {
  oneLineName,
  parseCertificates,
  parsePrivateKey,
  readInput,
  serialNumberDecimal,
  type SigningAlgorithm,
  signingAlgorithmFor,
  validityOf,
} from "./material.js";
import type { MaterialInput } from "./options.js";
import { isPkcs12, readPkcs12Material } from "./pkcs12.js";

/** What {@link inspectCertificate} reports about a certificate. Nothing in it is secret. */
export interface CertificateSummary {
  /** The subject, one line: "C=XX, O=Example, CN=workload.example". */
  subject: string;
  issuer: string;
  /** The serial number in decimal, as in the signature's credential scope. */
  serialNumber: string;
  validFrom: Date;
  validTo: Date;
  /** Whether the private key matches the certificate; present when a private key was given. */
  keyMatches?: boolean;
  /** The public key: "RSA-2048", "EC P-256", "EC P-384", or the type Roles Anywhere does not support. */
  publicKey: string;
  /** The signing algorithm Roles Anywhere uses with this key; absent for a key it does not support. */
  signingAlgorithm?: SigningAlgorithm;
  /** SHA-256 fingerprint, colon-separated hex, to compare with a CA's inventory. */
  fingerprint256: string;
  /** The certificate's DER in base64, as the `X-Amz-X509` header carries it. */
  certificateBase64: string;
}

/**
 * Describes a certificate (and, given its key, whether they match) without contacting AWS and without checking the
 * validity dates — for `explain` and for the CLI's expiry warning.
 * @param input.certificate - a path, or PEM/DER content; the first certificate of a bundle is described (of a PKCS#12
 *   bundle, its end-entity certificate, opened with `passphrase`)
 * @param input.privateKey - optional path or content; a key that cannot be read is an error, a mismatch is not
 * @throws CertificateMaterialError when the certificate (or the given key) cannot be read or parsed
 */
export async function inspectCertificate(input: {
  certificate: MaterialInput;
  privateKey?: MaterialInput;
  passphrase?: string;
}): Promise<CertificateSummary> {
  const certificateInput = await readInput(input.certificate, "certificate");
  const bundle = isPkcs12(certificateInput)
    ? await readPkcs12Material(certificateInput, { keyInput: undefined, chainInput: undefined, passphrase: input.passphrase })
    : undefined;
  const [certificate] = bundle === undefined ? parseCertificates(certificateInput, "ROLES_ANYWHERE_INVALID_CERTIFICATE") : [bundle.certificate];
  if (certificate === undefined) throw new Error("unreachable: parseCertificates returns at least one certificate");
  const { validFrom, validTo } = validityOf(certificate);
  const summary: CertificateSummary = {
    subject: oneLineName(certificate.subject),
    issuer: oneLineName(certificate.issuer),
    serialNumber: serialNumberDecimal(certificate),
    validFrom,
    validTo,
    publicKey: describePublicKey(certificate.publicKey),
    fingerprint256: certificate.fingerprint256,
    certificateBase64: certificate.raw.toString("base64"),
  };
  const signingAlgorithm = supportedAlgorithmOf(certificate.publicKey);
  if (signingAlgorithm !== undefined) summary.signingAlgorithm = signingAlgorithm;
  if (bundle !== undefined) summary.keyMatches = certificate.checkPrivateKey(bundle.privateKey);
  if (input.privateKey !== undefined) {
    const key = parsePrivateKey(await readInput(input.privateKey, "private key"), input.passphrase);
    summary.keyMatches = certificate.checkPrivateKey(key);
  }
  return summary;
}

/** The one rule (`signingAlgorithmFor`), without its error for an unsupported key: a summary still describes it. */
function supportedAlgorithmOf(key: KeyObject): SigningAlgorithm | undefined {
  try {
    return signingAlgorithmFor(key);
  } catch {
    return undefined;
  }
}

function describePublicKey(key: KeyObject): string {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === "rsa") return `RSA-${details.modulusLength ?? "?"}`;
  if (key.asymmetricKeyType === "ec") {
    const names: Record<string, string> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" };
    const curve = details.namedCurve ?? "unknown curve";
    return `EC ${names[curve] ?? curve}`;
  }
  return key.asymmetricKeyType ?? "unknown";
}
