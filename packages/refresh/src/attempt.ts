import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { fullJitterDelayMs } from "@workload-identity/core";
import { retryCeilingMs } from "./backoff.js";
import { type Cache, type CacheEntry, emit, hasValidCache, toEntry } from "./cache.js";
import { RefreshTimeoutError } from "./errors.js";
import type { RefreshReason } from "./events.js";
import type { SetTimer } from "./options.js";

/** Records a failed refresh and when the next may start (exponential backoff, full jitter). */
function recordFailure(cache: Cache, error: unknown, reason: RefreshReason): void {
  const at = cache.config.now();
  const consecutiveFailures = (cache.failure?.consecutiveFailures ?? 0) + 1;
  const ceilingMs = retryCeilingMs(consecutiveFailures, at, hasValidCache(cache, at) ? cache.cached : undefined, cache.config);
  const nextAttemptAt = at + fullJitterDelayMs(ceilingMs, cache.config.random);
  cache.failure = { error, consecutiveFailures, nextAttemptAt, staleAnnounced: false };
  emit(cache, { type: "refresh-failed", reason, error, consecutiveFailures, nextAttemptAt: new Date(nextAttemptAt) });
}

/**
 * `pending`, or a RefreshTimeoutError once `timeoutMs` have passed, whichever comes first. What `pending` does after
 * the deadline is ignored.
 */
function withDeadline<T>(pending: Promise<T>, timeoutMs: number, setTimer: SetTimer): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cancel = setTimer(() => reject(new RefreshTimeoutError(timeoutMs)), timeoutMs);
    pending.then(
      (value) => {
        cancel();
        resolve(value);
      },
      (error: unknown) => {
        cancel();
        reject(error);
      },
    );
  });
}

/** Calls the source once; a synchronous throw becomes a rejection. */
function callSource(source: AwsCredentialIdentityProvider, properties: unknown): Promise<AwsCredentialIdentity> {
  try {
    return Promise.resolve(source(properties as Parameters<AwsCredentialIdentityProvider>[0]));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Starts a refresh, or joins the one in flight. It settles by the deadline at the latest: then the attempt is
 * abandoned, and whatever the source answers later (even credentials) is ignored, so a late answer can never
 * overwrite what a newer attempt cached or reset the backoff it set. The caller's identity properties (the SDK
 * passes the calling client's config) reach the source.
 */
export function refresh(cache: Cache, reason: RefreshReason, properties: unknown): Promise<CacheEntry> {
  if (cache.inflight !== undefined) return cache.inflight;
  emit(cache, { type: "refresh-started", reason });
  const { config } = cache;
  const startedAt = config.now();
  const attempt: Promise<CacheEntry> = withDeadline(callSource(cache.source, properties), config.refreshTimeoutMs, config.setTimer)
    .then((credentials) => toEntry(cache, credentials))
    .then(
      (entry) => {
        if (cache.inflight === attempt) cache.inflight = undefined;
        cache.cached = entry;
        cache.trusted = undefined;
        cache.failure = undefined;
        emit(cache, { type: "refreshed", reason, expiration: entry.credentials.expiration, durationMs: config.now() - startedAt });
        return entry;
      },
      (error: unknown) => {
        if (cache.inflight === attempt) cache.inflight = undefined;
        recordFailure(cache, error, reason);
        throw error;
      },
    );
  cache.inflight = attempt;
  return attempt;
}
