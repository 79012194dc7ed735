import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { UnservableCredentialsError } from "./errors.js";

/** Credentials as the endpoints serve them. */
export interface ServedCredentials {
  readonly credentials: AwsCredentialIdentity & { readonly expiration: Date };
  /** When these credentials were first seen (IMDS `LastUpdated`). */
  readonly lastUpdated: Date;
}

/** What a route asks of {@link createServedCredentials}. */
export interface ServeRequest {
  /**
   * The route wants credentials with at least this much left: when the current set has less, a refresh is forced
   * (at most once per `minForcedRefreshIntervalMs`). The set resolved may still have less, when that refresh fails.
   * @defaultValue 0
   */
  readonly minRemainingMs?: number;
}

/** Resolves what the endpoints serve; see {@link createServedCredentials}. */
export type ServeCredentials = (request?: ServeRequest) => Promise<ServedCredentials>;

/** Options of {@link createServedCredentials}. */
export interface ServedCredentialsOptions {
  /** An already-refreshing provider (`withRefresh`): it serves the last good credentials while a refresh fails. */
  readonly provider: AwsCredentialIdentityProvider;
  readonly now: () => number;
  /** Told about every new set of credentials, so their secrets can be kept out of the logs. */
  readonly onNewCredentials?: (credentials: AwsCredentialIdentity) => void;
  /**
   * The least time between two refreshes forced by `minRemainingMs`: a forced refresh skips the provider's backoff,
   * so while the source fails, requests must not turn into a stream of calls. @defaultValue 30000
   */
  readonly minForcedRefreshIntervalMs?: number;
}

/**
 * Resolves what the endpoints serve. Rejects, never resolves empty or expired credentials, so a handler can only
 * answer `Success` with something usable. Whatever the source returns last is what is served: a new set may reuse the
 * previous `AccessKeyId` (a session extended in place, an emulator), so sets are told apart by every field, not by
 * the key id alone.
 */
export function createServedCredentials(options: ServedCredentialsOptions): ServeCredentials {
  const { now } = options;
  const forcedIntervalMs = options.minForcedRefreshIntervalMs ?? 30_000;
  let last: { readonly source: AwsCredentialIdentity; readonly served: ServedCredentials } | undefined;
  let forcing: Promise<AwsCredentialIdentity | undefined> | undefined;
  let lastForcedAt = -Infinity;

  /** One forced refresh at a time, joined by every caller that needs it; `undefined` when it failed or must wait. */
  const forceRefresh = (): Promise<AwsCredentialIdentity | undefined> => {
    if (forcing !== undefined) return forcing;
    if (now() - lastForcedAt < forcedIntervalMs) return Promise.resolve(undefined);
    lastForcedAt = now();
    forcing = options
      .provider({ forceRefresh: true })
      // The failure reaches the log through the provider's refresh events; the set in hand is judged by the caller.
      .catch(() => undefined)
      .finally(() => {
        forcing = undefined;
      });
    return forcing;
  };

  return async (request = {}) => {
    let credentials = await options.provider();
    const minRemainingMs = request.minRemainingMs ?? 0;
    if (minRemainingMs > 0 && remainingMs(credentials, now()) < minRemainingMs) {
      credentials = (await forceRefresh()) ?? credentials;
    }
    const { expiration } = credentials;
    if (credentials.accessKeyId === "" || credentials.secretAccessKey === "") {
      throw new UnservableCredentialsError("empty access key id or secret access key");
    }
    if (!(expiration instanceof Date) || Number.isNaN(expiration.getTime())) {
      throw new UnservableCredentialsError("no expiration (IMDS and container clients require one)");
    }
    if (expiration.getTime() <= now()) {
      throw new UnservableCredentialsError(`they expired at ${expiration.toISOString()}`);
    }
    // A refreshing provider hands out the same object until it refreshes: the common case costs one comparison.
    if (last !== undefined && (last.source === credentials || sameSet(last.served.credentials, credentials, expiration))) {
      return last.served;
    }
    options.onNewCredentials?.(credentials);
    last = {
      source: credentials,
      served: { credentials: { ...credentials, expiration }, lastUpdated: new Date(now()) },
    };
    return last.served;
  };
}

function remainingMs(credentials: AwsCredentialIdentity, at: number): number {
  const expiresAt = credentials.expiration?.getTime();
  return expiresAt === undefined || Number.isNaN(expiresAt) ? Infinity : expiresAt - at;
}

function sameSet(served: ServedCredentials["credentials"], next: AwsCredentialIdentity, expiration: Date): boolean {
  return (
    served.accessKeyId === next.accessKeyId &&
    served.secretAccessKey === next.secretAccessKey &&
    served.sessionToken === next.sessionToken &&
    served.expiration.getTime() === expiration.getTime()
  );
}

/** RFC 3339 in whole seconds, as AWS's metadata services write it. */
export function formatTimestamp(date: Date): string {
  return `${new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}
