import { CERTIFICATE_EXPIRY_WARNING_MS } from "@workload-identity/roles-anywhere";
import { describeError, type JsonLogger } from "./log.js";

/** What the expiry check needs to know about the certificate (the shape of `inspectCertificate`'s result). */
export interface CertificateDates {
  readonly subject: string;
  readonly serialNumber: string;
  readonly validTo: Date;
}


/** Options of {@link checkCertificateExpiry}. */
export interface CertificateExpiryOptions {
  /** Reads the certificate file anew (it may have been rotated). */
  readonly inspect: () => Promise<CertificateDates>;
  readonly now: () => number;
  readonly log: JsonLogger;
}

/**
 * Logs a warning when the certificate expires within a week, an error once it has expired. Never throws: failing to
 * read the certificate here is logged, and CreateSession reports the real problem.
 */
export async function checkCertificateExpiry(options: CertificateExpiryOptions): Promise<void> {
  const { log } = options;
  let certificate: CertificateDates;
  try {
    certificate = await options.inspect();
  } catch (error) {
    log.warn("could not read the certificate to check its expiry", describeError(error));
    return;
  }
  const remainingMs = certificate.validTo.getTime() - options.now();
  const fields = {
    subject: certificate.subject,
    serialNumber: certificate.serialNumber,
    validTo: certificate.validTo.toISOString(),
  };
  if (remainingMs <= 0) {
    log.error("the certificate has expired: renew it", fields);
  } else if (remainingMs <= CERTIFICATE_EXPIRY_WARNING_MS) {
    log.warn("the certificate expires within a week: renew it", {
      ...fields,
      remainingHours: Math.floor(remainingMs / 3_600_000),
    });
  } else {
    log.debug("certificate validity checked", fields);
  }
}
