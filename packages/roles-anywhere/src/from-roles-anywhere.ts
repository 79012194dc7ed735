import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { type RefreshOptions, withRefresh } from "@workload-identity/refresh";
import type { FromRolesAnywhereInit } from "./options.js";
import { createRolesAnywhereSource } from "./roles-anywhere-source.js";

export { CERTIFICATE_EXPIRY_WARNING_MS } from "./roles-anywhere-source.js";

/** The cache's own default deadline for one refresh (`refreshTimeoutMs`). */
const DEFAULT_REFRESH_TIMEOUT_MS = 30_000;
/** What a refresh needs beyond CreateSession's own deadline: reading files, a token login, signing. */
const REFRESH_DEADLINE_MARGIN_MS = 5_000;

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
  const refresh = withRefreshDeadlineAbove(init.refresh ?? {}, init.timeoutMs);
  // One injected clock for both parts: the cache takes the source's unless it was given its own.
  const { now } = init;
  return withRefresh(source, now !== undefined && refresh.now === undefined ? { ...refresh, now: () => now().getTime() } : refresh);
}

/**
 * A `timeoutMs` longer than the cache's default refresh deadline would be cut short by it: unless the caller set
 * `refreshTimeoutMs`, the refresh deadline stays above CreateSession's own.
 */
function withRefreshDeadlineAbove(refresh: RefreshOptions, timeoutMs: number | undefined): RefreshOptions {
  if (refresh.refreshTimeoutMs !== undefined || timeoutMs === undefined) return refresh;
  if (timeoutMs + REFRESH_DEADLINE_MARGIN_MS <= DEFAULT_REFRESH_TIMEOUT_MS) return refresh;
  return { ...refresh, refreshTimeoutMs: timeoutMs + REFRESH_DEADLINE_MARGIN_MS };
}
