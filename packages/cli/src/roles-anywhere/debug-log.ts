import { parseArn } from "@workload-identity/core";
import { isPkcs11Uri, type SigningConfig } from "./args.js";
import { describeError, type JsonLogger } from "./log.js";

// `--debug`'s opening line: where CreateSession will go and which certificate will sign it, so a failure can be read
// against them. Public facts only (the endpoint, ARNs, the certificate's serial, names and dates), never the key, the
// passphrase or a credential. The library adds a line per CreateSession (algorithm, request id, timing).

/** Logs, at debug level, the endpoint that will be used (and what chose it) and the certificate that will sign. */
export async function logSigningContext(signing: SigningConfig, log: JsonLogger): Promise<void> {
  const library = await import("@workload-identity/roles-anywhere");
  const region = signing.region ?? parseArn(signing.trustAnchorArn)?.region ?? "";
  try {
    const endpoint = library.resolveRolesAnywhereEndpoint({ region, endpoint: signing.endpoint });
    log.debug("CreateSession endpoint", {
      endpoint: endpoint.url,
      endpointSource: endpoint.source,
      partition: endpoint.partition,
      fips: endpoint.fips,
      dualStack: endpoint.dualStack,
      region,
      trustAnchorArn: signing.trustAnchorArn,
      profileArn: signing.profileArn,
      roleArn: signing.roleArn,
      roleSessionName: signing.roleSessionName,
      sessionDurationSeconds: signing.sessionDurationSeconds,
    });
  } catch (error) {
    log.debug("CreateSession endpoint unresolved", describeError(error));
  }
  // A certificate in a PKCS#11 token is read by the library inside its token visit, not here.
  if (signing.certificate === undefined || isPkcs11Uri(signing.certificate)) return;
  try {
    const certificate = await library.inspectCertificate({ certificate: signing.certificate });
    log.debug("signing certificate", {
      file: signing.certificate,
      serialNumber: certificate.serialNumber,
      subject: certificate.subject,
      issuer: certificate.issuer,
      notBefore: certificate.validFrom.toISOString(),
      notAfter: certificate.validTo.toISOString(),
      publicKey: certificate.publicKey,
      signingAlgorithm: certificate.signingAlgorithm,
      intermediates: signing.intermediates,
    });
  } catch (error) {
    // The provider reports an unreadable certificate with its own typed error.
    log.debug("signing certificate unreadable", describeError(error));
  }
}
