import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Logger } from "@aws-sdk/types";
import { sendCreateSession, serializeCreateSessionBody } from "./create-session.js";
import type { X509Certificate } from "node:crypto";
import { describeCertificate, validityOf } from "./material.js";
import { type FromRolesAnywhereInit, resolveSessionsUrl, validateRolesAnywhereOptions } from "./options.js";
import { createProxiedSessionFetch } from "./proxy-transport.js";
import { signCreateSessionRequestWith } from "./sign.js";
import { useSigningMaterial } from "./signing-material.js";
import { createSessionFetch } from "./transport.js";

/** A certificate expiring sooner than this gets one warning in the log. */
export const CERTIFICATE_EXPIRY_WARNING_MS = 7 * 24 * 3_600_000;

/** Options of {@link createRolesAnywhereSource}: those of `fromRolesAnywhere` without the cache's. */
export type RolesAnywhereSourceInit = Omit<FromRolesAnywhereInit, "refresh">;

/**
 * The IAM Roles Anywhere source alone, uncached: each call re-reads the certificate, chain and key (or visits the
 * PKCS#11 token that holds the key), signs
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
  const warnOfExpiry = certificateExpiryWarner(logger);

  const createSession = async (): Promise<AwsCredentialIdentity> => {
    const date = now();
    const url = resolveSessionsUrl(options);
    const body = serializeCreateSessionBody(options);
    // Signed inside the material's scope: a token session is closed before the request goes out.
    const { signed, certificate, chainLength } = await useSigningMaterial(options, date, async (material) => {
      warnOfExpiry(material.certificate, date);
      return {
        signed: await signCreateSessionRequestWith(
          { certificate: material.certificate, chain: material.chain, body, region: options.region, host: url.host, date },
          material.signer,
        ),
        certificate: describeCertificate(material.certificate),
        chainLength: material.chain.length,
      };
    });
    logger?.debug(
      `IAM Roles Anywhere: CreateSession at ${url.origin} for ${options.roleArn} with certificate ${certificate} ` +
        `(${signed.algorithm}, ${chainLength} intermediate(s)).`,
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

/** Warns once per certificate (by serial) that it expires within {@link CERTIFICATE_EXPIRY_WARNING_MS}. */
function certificateExpiryWarner(logger: Logger | undefined): (certificate: X509Certificate, date: Date) => void {
  let warnedSerial: string | undefined;
  return (certificate, date) => {
    const { validTo } = validityOf(certificate);
    if (validTo.getTime() - date.getTime() < CERTIFICATE_EXPIRY_WARNING_MS && warnedSerial !== certificate.serialNumber) {
      warnedSerial = certificate.serialNumber;
      logger?.warn(
        `IAM Roles Anywhere: the certificate ${describeCertificate(certificate)} expires at ${validTo.toISOString()}; renew it.`,
      );
    }
  };
}
