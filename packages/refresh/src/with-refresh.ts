import { InvalidOptionError } from "@workload-identity/core";
import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { type Cache, trust } from "./cache.js";
import { type RefreshOptions, resolveRefreshOptions } from "./options.js";
import { serveSlowly } from "./serve.js";

/**
 * What a caller may pass to the provider. The SDK passes its identity properties: `forceRefresh` is read here, and
 * all of them are handed to the source when the call starts a refresh (so a source can see the calling client's config).
 */
export interface RefreshCallOptions {
  /** Bypass the cache (and any retry backoff) once; joins a refresh already in flight. */
  forceRefresh?: boolean;
}

/**
 * Wraps a credential source in a memoizing cache that refreshes ahead of expiration.
 *
 * - One source call at a time, whatever the number of concurrent callers.
 * - From a jittered point before the advisory window the refresh runs in the background and callers keep the cached
 *   credentials; the advisory window is the reserve in which failures are retried before the mandatory window.
 * - When a refresh fails, still-valid credentials keep being served and the source is retried after a backoff with
 *   full jitter; once they expire callers get a {@link CredentialsExpiredError} whose `cause` is the last failure.
 * - A refresh that outlives `refreshTimeoutMs` is abandoned and counts as a failure
 *   ({@link RefreshTimeoutError}), so nothing a caller awaits waits forever.
 * - Decisions are made on calls, against the clock; the timers (the refresh deadline and the hot path's clock trust)
 *   are unref'd and never keep a process alive.
 * - The provider is marked `memoized`, so SDK clients call it at every request instead of keeping what it returned in
 *   a memo of their own: a refresh (early, or forced by a caller) reaches every client at once.
 *
 * @param source - the provider to cache, called only when a refresh is due
 * @param options - windows, retry and observability; validated here, synchronously
 * @returns a provider to pass as `credentials` to any SDK v3 client
 */
export function withRefresh(
  source: AwsCredentialIdentityProvider,
  options?: RefreshOptions,
): AwsCredentialIdentityProvider {
  if (typeof source !== "function") throw new InvalidOptionError("withRefresh: source must be a credential provider function.");
  const cache: Cache = {
    source,
    config: resolveRefreshOptions(options),
    // With an injected clock (tests) the clock is read at every call; trust needs the real one.
    trustClock: options?.now === undefined,
    cached: undefined,
    inflight: undefined,
    failure: undefined,
    trusted: undefined,
  };
  const { now } = cache.config;
  const provider = (callOptions?: RefreshCallOptions) => {
    const forced = callOptions?.forceRefresh === true;
    // The hot path: one comparison and a promise that is already resolved.
    if (cache.trusted !== undefined && !forced) return cache.trusted.promise;
    const { cached } = cache;
    if (cached !== undefined && !forced) {
      const at = now();
      if (at < cached.refreshAt) {
        trust(cache, cached, at);
        return cached.promise;
      }
    }
    return serveSlowly(cache, forced, callOptions);
  };
  // AWS SDK clients wrap a provider that is not marked `memoized` in a memo of their own, which keeps the credentials
  // it got until 5 minutes before they expire: this cache's early and forced refreshes would not reach the client.
  return Object.assign(provider, { memoized: true });
}
