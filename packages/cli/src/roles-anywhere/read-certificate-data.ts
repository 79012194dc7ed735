import type { CliCommand } from "./args.js";
import { type CliDeps, EXIT_FAILURE, EXIT_OK } from "./cli-deps.js";
import { oneLineError } from "./cli-output.js";

type ReadCertificateDataCommand = Extract<CliCommand, { command: "read-certificate-data" }>;

/** What `read-certificate-data` prints: AWS's helper's four fields first, in its order, then the certificate's details. */
export interface CertificateData {
  /** `RSA`, `EC`, or empty for a key type Roles Anywhere does not take (as the helper says it). */
  readonly keyType: string;
  /** The DER in base64, as `X-Amz-X509` carries it. */
  readonly certificateData: string;
  /** In decimal, as in the signature's credential scope. */
  readonly serialNumber: string;
  /** The helper's names for what `sign-string` could sign with this key. */
  readonly supportedAlgorithms: readonly string[];
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /** "RSA-2048", "EC P-256", "EC P-384". */
  readonly publicKey: string;
  readonly sha256Fingerprint: string;
}

/**
 * `roles-anywhere read-certificate-data --certificate FILE`: the certificate's details as one JSON object on stdout,
 * like AWS's helper for a certificate file. Only the certificate is read: no key, nothing secret.
 */
export async function runReadCertificateData(command: ReadCertificateDataCommand, deps: CliDeps): Promise<number> {
  try {
    const { inspectCertificate } = await import("@workload-identity/roles-anywhere");
    const summary = await inspectCertificate({ certificate: command.certificate });
    const keyType = summary.publicKey.startsWith("RSA") ? "RSA" : summary.publicKey.startsWith("EC") ? "EC" : "";
    const data: CertificateData = {
      keyType,
      certificateData: summary.certificateBase64,
      serialNumber: summary.serialNumber,
      supportedAlgorithms: ["SHA256", "SHA384", "SHA512"].map((digest) => `${keyType}${digest}`),
      subject: summary.subject,
      issuer: summary.issuer,
      notBefore: summary.validFrom.toISOString(),
      notAfter: summary.validTo.toISOString(),
      publicKey: summary.publicKey,
      sha256Fingerprint: summary.fingerprint256,
    };
    deps.stdout(`${JSON.stringify(data)}\n`);
    return EXIT_OK;
  } catch (error) {
    deps.stderr(`${oneLineError(error)}\n`);
    return EXIT_FAILURE;
  }
}
