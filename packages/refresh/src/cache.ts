import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { registerSecret } from "@workload-identity/core";
import { checkCredentials } from "./check-credentials.js";
import { SourceReturnedExpiredCredentialsError } from "./errors.js";
import type { RefreshEvent } from "./events.js";
import type { ResolvedRefreshOptions } from "./options.js";
import { refreshPoints } from "./refresh-points.js";

/** Credentials in the cache, with the instants that decide how calls are served. */
export interface CacheEntry {
  readonly credentials: AwsCredentialIdentity;
  /** Pre-resolved, so the hot path allocates nothing. */
  readonly promise: Promise<AwsCredentialIdentity>;
  readonly expiresAt: number;
  /** Where the (jittered) background refresh starts, before the advisory window. */
  readonly refreshAt: number;
  /** From here on callers wait for the refresh. */
  readonly mandatoryAt: number;
}

/** The last failure, while no refresh has succeeded since. */
export interface FailureState {
  readonly error: unknown;
  readonly consecutiveFailures: number;
  readonly nextAttemptAt: number;
  staleAnnounced: boolean;
}

/** One cache: its source, its options, and what changes as it runs. */
export interface Cache {
  readonly source: AwsCredentialIdentityProvider;
  readonly config: ResolvedRefreshOptions;
  /** Whether the hot path may skip the clock for a while (only with the real clock). */
  readonly trustClock: boolean;
  cached: CacheEntry | undefined;
  inflight: Promise<CacheEntry> | undefined;
  failure: FailureState | undefined;
  /** The entry known to be before its refresh point as of a clock reading less than CLOCK_TRUST_MS ago. */
  trusted: CacheEntry | undefined;
}

/** Tells the observer, which must never break credential resolution. */
export function emit(cache: Cache, event: RefreshEvent): void {
  if (cache.config.onEvent === undefined) return;
  try {
    cache.config.onEvent(event);
  } catch {
    // An observer that throws is ignored.
  }
}

export const hasValidCache = (cache: Cache, at: number): boolean => cache.cached !== undefined && at < cache.cached.expiresAt;

/**
 * Checks what the source answered and places its windows.
 * @throws SourceReturnedInvalidCredentialsError or SourceReturnedExpiredCredentialsError
 */
export function toEntry(cache: Cache, credentials: AwsCredentialIdentity): CacheEntry {
  checkCredentials(credentials);
  // From now on the redaction rule removes these from any message, whichever package writes it.
  registerSecret(credentials.secretAccessKey, credentials.sessionToken);
  const promise = Promise.resolve(credentials);
  const { expiration } = credentials;
  if (expiration === undefined) {
    return { credentials, promise, expiresAt: Infinity, refreshAt: Infinity, mandatoryAt: Infinity };
  }
  const expiresAt = expiration.getTime();
  const at = cache.config.now();
  const lifetimeMs = expiresAt - at;
  if (lifetimeMs <= 0) throw new SourceReturnedExpiredCredentialsError(expiration, new Date(at));
  if (lifetimeMs <= cache.config.mustRefreshBeforeMs) {
    emit(cache, { type: "short-lived-credentials", expiration, remainingMs: lifetimeMs });
  }
  const { refreshAt, mandatoryAt } = refreshPoints(expiresAt, at, cache.config);
  return { credentials, promise, expiresAt, refreshAt, mandatoryAt };
}

/**
 * How long the hot path may trust the last clock reading. Reading the clock costs as much as the rest of a cached
 * call, so within this span callers get the cached promise without one. The span is measured by an unref'd timer on
 * the monotonic clock, so even after a laptop resumes from sleep the trust lasts at most this long.
 */
const CLOCK_TRUST_MS = 1_000;

/** Lets the hot path serve `entry` without reading the clock, until a timer ends the trust. */
export function trust(cache: Cache, entry: CacheEntry, at: number): void {
  if (!cache.trustClock) return;
  cache.trusted = entry;
  const timer = setTimeout(
    () => {
      if (cache.trusted === entry) cache.trusted = undefined;
    },
    Math.min(CLOCK_TRUST_MS, entry.refreshAt - at),
  );
  timer.unref();
}
