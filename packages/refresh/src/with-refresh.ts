import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { fullJitterDelayMs, registerSecret } from "@workload-identity/core";
import { retryCeilingMs } from "./backoff.js";
import { checkCredentials } from "./check-credentials.js";
import { CredentialsExpiredError, RefreshTimeoutError, SourceReturnedExpiredCredentialsError } from "./errors.js";
import type { RefreshEvent, RefreshReason } from "./events.js";
import { type RefreshOptions, resolveRefreshOptions } from "./options.js";
import { refreshPoints } from "./refresh-points.js";

/**
 * What a caller may pass to the provider. The SDK passes its identity properties: `forceRefresh` is read here, and
 * all of them are handed to the source when the call starts a refresh (so a source can see the calling client's config).
 */
export interface RefreshCallOptions {
  /** Bypass the cache (and any retry backoff) once; joins a refresh already in flight. */
  forceRefresh?: boolean;
}

interface CacheEntry {
  readonly credentials: AwsCredentialIdentity;
  /** Pre-resolved, so the hot path allocates nothing. */
  readonly promise: Promise<AwsCredentialIdentity>;
  readonly expiresAt: number;
  /** Where the (jittered) background refresh starts, before the advisory window. */
  readonly refreshAt: number;
  /** From here on callers wait for the refresh. */
  readonly mandatoryAt: number;
}

/**
 * How long the hot path may trust the last clock reading. Reading the clock costs as much as the rest of a cached
 * call, so within this span callers get the cached promise without one. The span is measured by an unref'd timer on
 * the monotonic clock, so even after a laptop resumes from sleep the trust lasts at most this long.
 */
const CLOCK_TRUST_MS = 1_000;

interface FailureState {
  readonly error: unknown;
  readonly consecutiveFailures: number;
  readonly nextAttemptAt: number;
  staleAnnounced: boolean;
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
 *
 * @param source - the provider to cache, called only when a refresh is due
 * @param options - windows, retry and observability; validated here, synchronously
 * @returns a provider to pass as `credentials` to any SDK v3 client
 */
export function withRefresh(
  source: AwsCredentialIdentityProvider,
  options?: RefreshOptions,
): AwsCredentialIdentityProvider {
  if (typeof source !== "function") throw new TypeError("withRefresh: source must be a credential provider function.");
  const config = resolveRefreshOptions(options);
  const { now } = config;
  // With an injected clock (tests) the clock is read at every call; trust needs the real one.
  const trustClock = options?.now === undefined;

  let cached: CacheEntry | undefined;
  let inflight: Promise<CacheEntry> | undefined;
  let failure: FailureState | undefined;
  /** The entry known to be before its refresh point as of a clock reading less than CLOCK_TRUST_MS ago. */
  let trusted: CacheEntry | undefined;

  const trust = (entry: CacheEntry, at: number): void => {
    if (!trustClock) return;
    trusted = entry;
    const timer = setTimeout(
      () => {
        if (trusted === entry) trusted = undefined;
      },
      Math.min(CLOCK_TRUST_MS, entry.refreshAt - at),
    );
    timer.unref();
  };

  const emit = (event: RefreshEvent): void => {
    if (config.onEvent === undefined) return;
    try {
      config.onEvent(event);
    } catch {
      // An observer must never break credential resolution.
    }
  };

  const hasValidCache = (at: number): boolean => cached !== undefined && at < cached.expiresAt;
  const mayAttempt = (at: number): boolean => failure === undefined || at >= failure.nextAttemptAt;

  const toEntry = (credentials: AwsCredentialIdentity): CacheEntry => {
    checkCredentials(credentials);
    // From now on the redaction rule removes these from any message, whichever package writes it.
    registerSecret(credentials.secretAccessKey, credentials.sessionToken);
    const promise = Promise.resolve(credentials);
    const { expiration } = credentials;
    if (expiration === undefined) {
      return { credentials, promise, expiresAt: Infinity, refreshAt: Infinity, mandatoryAt: Infinity };
    }
    const expiresAt = expiration.getTime();
    const at = now();
    const lifetimeMs = expiresAt - at;
    if (lifetimeMs <= 0) throw new SourceReturnedExpiredCredentialsError(expiration, new Date(at));
    if (lifetimeMs <= config.mustRefreshBeforeMs) {
      emit({ type: "short-lived-credentials", expiration, remainingMs: lifetimeMs });
    }
    const { refreshAt, mandatoryAt } = refreshPoints(expiresAt, at, config);
    return { credentials, promise, expiresAt, refreshAt, mandatoryAt };
  };

  const recordFailure = (error: unknown, reason: RefreshReason): void => {
    const at = now();
    const consecutiveFailures = (failure?.consecutiveFailures ?? 0) + 1;
    const ceilingMs = retryCeilingMs(consecutiveFailures, at, hasValidCache(at) ? cached : undefined, config);
    const nextAttemptAt = at + fullJitterDelayMs(ceilingMs, config.random);
    failure = { error, consecutiveFailures, nextAttemptAt, staleAnnounced: false };
    emit({ type: "refresh-failed", reason, error, consecutiveFailures, nextAttemptAt: new Date(nextAttemptAt) });
  };

  /**
   * Starts a refresh, or joins the one in flight. The returned promise settles by the deadline at the latest: then
   * the attempt is abandoned, and whatever the source answers later (even credentials) is ignored, so a late answer
   * can never overwrite what a newer attempt cached or reset the backoff it set.
   */
  const refresh = (reason: RefreshReason, properties: RefreshCallOptions | undefined): Promise<CacheEntry> => {
    if (inflight !== undefined) return inflight;
    emit({ type: "refresh-started", reason });
    const startedAt = now();
    let pending: Promise<AwsCredentialIdentity>;
    try {
      // The caller's identity properties (the SDK passes the calling client's config) reach the source.
      pending = Promise.resolve(source(properties as Parameters<AwsCredentialIdentityProvider>[0]));
    } catch (error) {
      pending = Promise.reject(error);
    }
    let over = false;
    const settled = new Promise<CacheEntry>((resolve, reject) => {
      const fail = (error: unknown): void => {
        over = true;
        inflight = undefined;
        recordFailure(error, reason);
        reject(error);
      };
      const cancelDeadline = config.setTimer(() => {
        if (!over) fail(new RefreshTimeoutError(config.refreshTimeoutMs));
      }, config.refreshTimeoutMs);
      pending.then(
        (credentials) => {
          if (over) return;
          cancelDeadline();
          let entry: CacheEntry;
          try {
            entry = toEntry(credentials);
          } catch (error) {
            fail(error);
            return;
          }
          over = true;
          inflight = undefined;
          cached = entry;
          trusted = undefined;
          failure = undefined;
          emit({ type: "refreshed", reason, expiration: credentials.expiration, durationMs: now() - startedAt });
          resolve(entry);
        },
        (error: unknown) => {
          if (over) return;
          cancelDeadline();
          fail(error);
        },
      );
    });
    // An injected setTimer that fires at once has already ended the attempt; it must not stay in flight.
    if (!over) inflight = settled;
    return settled;
  };

  const serveCached = (entry: CacheEntry): Promise<AwsCredentialIdentity> => {
    if (failure !== undefined && !failure.staleAnnounced) {
      failure.staleAnnounced = true;
      emit({ type: "stale-credentials-served", expiration: entry.credentials.expiration, error: failure.error });
    }
    return entry.promise;
  };

  /**
   * Nothing valid to serve: the source's own error on a first call, a typed expiry error afterwards. A timeout is
   * passed on as it is: `REFRESH_TIMEOUT` says more about what to fix than `CREDENTIALS_EXPIRED` would.
   */
  const noCredentialsError = (error: unknown): unknown => {
    if (error instanceof RefreshTimeoutError) return error;
    const expiration = cached?.credentials.expiration;
    return expiration === undefined ? error : new CredentialsExpiredError(expiration, error);
  };

  const slowPath = (forced: boolean, properties: RefreshCallOptions | undefined): Promise<AwsCredentialIdentity> => {
    if (forced) {
      emit({ type: "forced-refresh" });
      return refresh("forced", properties).then((entry) => entry.credentials);
    }
    const at = now();
    const entry = cached;
    if (entry !== undefined && at < entry.expiresAt) {
      if (at < entry.mandatoryAt) {
        if (inflight === undefined && mayAttempt(at)) {
          refresh("advisory", properties).catch(() => {
            // Reported through onEvent; callers keep the cache meanwhile.
          });
        }
        return serveCached(entry);
      }
      if (inflight === undefined && !mayAttempt(at)) return serveCached(entry);
      return refresh("mandatory", properties).then(
        (fresh) => fresh.credentials,
        (error: unknown) => {
          const current = cached;
          if (current !== undefined && now() < current.expiresAt) return serveCached(current);
          throw noCredentialsError(error);
        },
      );
    }
    if (inflight === undefined && failure !== undefined && !mayAttempt(at)) {
      return Promise.reject(noCredentialsError(failure.error));
    }
    return refresh(entry === undefined ? "initial" : "expired", properties).then(
      (fresh) => fresh.credentials,
      (error: unknown) => {
        throw noCredentialsError(error);
      },
    );
  };

  return (callOptions?: RefreshCallOptions) => {
    const forced = callOptions?.forceRefresh === true;
    // The hot path: one comparison and a promise that is already resolved.
    if (trusted !== undefined && !forced) return trusted.promise;
    if (cached !== undefined && !forced) {
      const at = now();
      if (at < cached.refreshAt) {
        trust(cached, at);
        return cached.promise;
      }
    }
    return slowPath(forced, callOptions);
  };
}
