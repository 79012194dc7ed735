import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { sendCreateSession, serializeCreateSessionBody } from "./create-session.js";
import { describeCertificate, loadCredentialMaterial, validityOf } from "./material.js";
import { type FromRolesAnywhereInit, resolveSessionsUrl, validateRolesAnywhereOptions } from "./options.js";
import { signCreateSessionRequest } from "./sign.js";
import { createProxiedSessionFetch } from "./proxy-transport.js";
import { createSessionFetch } from "./transport.js";

/** A certificate expiring sooner than this gets one warning in the log. */
export const CERTIFICATE_EXPIRY_WARNING_MS = 7 * 24 * 3_600_000;

/** Options of {@link createRolesAnywhereSource}: those of `fromRolesAnywhere` without the cache's. */
export type RolesAnywhereSourceInit = Omit<FromRolesAnywhereInit, "refresh">;

/**
 * The IAM Roles Anywhere source alone, uncached: each call re-reads the certificate, chain and key, signs
 * CreateSession and returns the session's credentials. Wrap it in `withRefresh` once (as `fromRolesAnywhere` does)
 * before giving it to clients.
 * @throws RolesAnywhereOptionError for a missing or malformed option (synchronously)
 */
export function createRolesAnywhereSource(init: RolesAnywhereSourceInit): AwsCredentialIdentityProvider {
  const options = validateRolesAnywhereOptions(init);
  const { logger, now } = options;
  const doFetch =
    options.fetch ??
    (options.proxy === undefined
      ? createSessionFetch(options.connectTimeoutMs)
      : createProxiedSessionFetch(options.connectTimeoutMs, options.proxy));
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
    const startedAt = performance.now();
    const { requestId, ...credentials } = await sendCreateSession({
      url,
      headers: signed.headers,
      body,
      timeoutMs: options.timeoutMs,
      fetch: doFetch,
    });
    logger?.debug(
      `IAM Roles Anywhere: CreateSession answered in ${Math.round(performance.now() - startedAt)} ms ` +
        `(request id ${requestId ?? "none"}).`,
    );
    logger?.info(
      `IAM Roles Anywhere: credentials for ${options.roleArn} until ${credentials.expiration.toISOString()}.`,
    );
    return { ...credentials, accountId: options.accountId };
  };

  return async () => {
    try {
      return await createSession();
    } catch (error) {
      logger?.error(`IAM Roles Anywhere: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  };
}
