import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { refreshOptionsAbove, withRefresh } from "@workload-identity/refresh";
import type { FromRolesAnywhereInit } from "./options.js";
import { isPkcs11Uri } from "./pkcs11-uri.js";
import { createRolesAnywhereSource } from "./roles-anywhere-source.js";

export { CERTIFICATE_EXPIRY_WARNING_MS } from "./roles-anywhere-source.js";

/**
 * The longest one call of the source may take by its own deadlines, when `timeoutMs` is set: CreateSession's, plus as
 * much again for the token visit that signs it when the key is in a PKCS#11 token. For `refreshOptionsAbove`.
 */
export function rolesAnywhereSourceTimeoutMs(init: Pick<FromRolesAnywhereInit, "timeoutMs" | "privateKey">): number | undefined {
  if (init.timeoutMs === undefined) return undefined;
  return isPkcs11Uri(init.privateKey) ? 2 * init.timeoutMs : init.timeoutMs;
}

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
  // The whole init: the source checks every option, the cache's object included, and ignores the cache's.
  const source = createRolesAnywhereSource(init);
  const refresh = refreshOptionsAbove(init.refresh ?? {}, rolesAnywhereSourceTimeoutMs(init));
  // One injected clock for both parts: the cache takes the source's unless it was given its own.
  const { now } = init;
  return withRefresh(source, now !== undefined && refresh.now === undefined ? { ...refresh, now: () => now().getTime() } : refresh);
}

