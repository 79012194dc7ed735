import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { withRefresh } from "@workload-identity/refresh";
import { sendCreateSession, serializeCreateSessionBody } from "./create-session.js";
import { describeCertificate, loadCredentialMaterial, validityOf } from "./material.js";
import { type FromRolesAnywhereInit, resolveSessionsUrl, validateRolesAnywhereOptions } from "./options.js";
import { signCreateSessionRequest } from "./sign.js";
import { createSessionFetch } from "./transport.js";

/** A certificate expiring sooner than this gets one warning in the log. */
export const CERTIFICATE_EXPIRY_WARNING_MS = 7 * 24 * 3_600_000;

/**
 * IAM Roles Anywhere credentials: signs CreateSession with an X.509 certificate's private key and returns the
 * session's credentials, cached and refreshed ahead of expiry by `withRefresh`.
 *
 * Options are checked here, synchronously; nothing is read or sent until the SDK asks for credentials. The
 * certificate, chain and key are re-read (asynchronously) at every refresh, so a rotated secret is picked up.
 *
 * @example
 * ```ts
 * new SQSClient({ credentials: fromRolesAnywhere({
 *   certificate: "/mnt/credentials/tls.crt", privateKey: "/mnt/credentials/tls.key",
 *   trustAnchorArn, profileArn, roleArn,
 * }) });
 * ```
 * @throws RolesAnywhereOptionError for a missing or malformed option (synchronously)
 */
export function fromRolesAnywhere(init: FromRolesAnywhereInit): AwsCredentialIdentityProvider {
  const options = validateRolesAnywhereOptions(init);
  const { logger, now } = options;
  const doFetch = options.fetch ?? createSessionFetch(options.connectTimeoutMs);
  let warnedSerial: string | undefined;

  const createSession = async (): Promise<AwsCredentialIdentity> => {
    const date = now();
    const material = await loadCredentialMaterial(options, date);
    const certificate = describeCertificate(material.certificate);
    const { validTo } = validityOf(material.certificate);
    if (validTo.getTime() - date.getTime() < CERTIFICATE_EXPIRY_WARNING_MS && warnedSerial !== material.certificate.serialNumber) {
      warnedSerial = material.certificate.serialNumber;
      logger?.warn(`IAM Roles Anywhere: the certificate ${certificate} expires at ${validTo.toISOString()}; renew it.`);
    }

    const url = resolveSessionsUrl(options);
    const body = serializeCreateSessionBody(options);
    const signed = signCreateSessionRequest({
      certificate: material.certificate,
      privateKey: material.privateKey,
      chain: material.chain,
      body,
      region: options.region,
      host: url.host,
      date,
    });
    logger?.debug(
      `IAM Roles Anywhere: CreateSession at ${url.origin} for ${options.roleArn} with certificate ${certificate} ` +
        `(${signed.algorithm}, ${material.chain.length} intermediate(s)).`,
    );
    const credentials = await sendCreateSession({
      url,
      headers: signed.headers,
      body,
      timeoutMs: options.timeoutMs,
      fetch: doFetch,
    });
    logger?.info(
      `IAM Roles Anywhere: credentials for ${options.roleArn} until ${credentials.expiration.toISOString()}.`,
    );
    return { ...credentials, accountId: options.accountId };
  };

  const source: AwsCredentialIdentityProvider = async () => {
    try {
      return await createSession();
    } catch (error) {
      logger?.error(`IAM Roles Anywhere: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  };

  const refresh = init.refresh ?? {};
  return withRefresh(
    source,
    init.now !== undefined && refresh.now === undefined ? { ...refresh, now: () => now().getTime() } : refresh,
  );
}
