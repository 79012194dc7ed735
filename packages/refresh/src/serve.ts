import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { refresh } from "./attempt.js";
import type { Cache, CacheEntry } from "./cache.js";
import { CredentialsExpiredError, RefreshTimeoutError } from "./errors.js";
import { emit } from "./cache.js";

const mayAttempt = (cache: Cache, at: number): boolean => cache.failure === undefined || at >= cache.failure.nextAttemptAt;

/** The cached credentials, announcing once per failed refresh that they are served stale. */
function serveCached(cache: Cache, entry: CacheEntry): Promise<AwsCredentialIdentity> {
  const { failure } = cache;
  if (failure !== undefined && !failure.staleAnnounced) {
    failure.staleAnnounced = true;
    emit(cache, { type: "stale-credentials-served", expiration: entry.credentials.expiration, error: failure.error });
  }
  return entry.promise;
}

/**
 * Nothing valid to serve: the source's own error on a first call, a typed expiry error afterwards. A timeout is
 * passed on as it is: `REFRESH_TIMEOUT` says more about what to fix than `CREDENTIALS_EXPIRED` would.
 */
function noCredentialsError(cache: Cache, error: unknown): unknown {
  if (error instanceof RefreshTimeoutError) return error;
  const expiration = cache.cached?.credentials.expiration;
  return expiration === undefined ? error : new CredentialsExpiredError(expiration, error);
}

/** Valid credentials are cached: background refresh before the mandatory window, waiting refresh inside it. */
function serveValid(cache: Cache, entry: CacheEntry, at: number, properties: unknown): Promise<AwsCredentialIdentity> {
  if (at < entry.mandatoryAt) {
    if (cache.inflight === undefined && mayAttempt(cache, at)) {
      refresh(cache, "advisory", properties).catch(() => {
        // Reported through onEvent; callers keep the cache meanwhile.
      });
    }
    return serveCached(cache, entry);
  }
  if (cache.inflight === undefined && !mayAttempt(cache, at)) return serveCached(cache, entry);
  return refresh(cache, "mandatory", properties).then(
    (fresh) => fresh.credentials,
    (error: unknown) => {
      const current = cache.cached;
      if (current !== undefined && cache.config.now() < current.expiresAt) return serveCached(cache, current);
      throw noCredentialsError(cache, error);
    },
  );
}

/** Every call the hot path does not answer: forced, in a window, expired or never resolved. */
export function serveSlowly(cache: Cache, forced: boolean, properties: unknown): Promise<AwsCredentialIdentity> {
  if (forced) {
    emit(cache, { type: "forced-refresh" });
    return refresh(cache, "forced", properties).then((entry) => entry.credentials);
  }
  const at = cache.config.now();
  const entry = cache.cached;
  if (entry !== undefined && at < entry.expiresAt) return serveValid(cache, entry, at, properties);
  if (cache.inflight === undefined && cache.failure !== undefined && !mayAttempt(cache, at)) {
    return Promise.reject(noCredentialsError(cache, cache.failure.error));
  }
  return refresh(cache, entry === undefined ? "initial" : "expired", properties).then(
    (fresh) => fresh.credentials,
    (error: unknown) => {
      throw noCredentialsError(cache, error);
    },
  );
}
