import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { UnservableCredentialsError } from "./errors.js";

/** Credentials as the endpoints serve them. */
export interface ServedCredentials {
  readonly credentials: AwsCredentialIdentity & { readonly expiration: Date };
  /** When these credentials were first seen (IMDS `LastUpdated`). */
  readonly lastUpdated: Date;
}

/** Options of {@link createServedCredentials}. */
export interface ServedCredentialsOptions {
  /** An already-refreshing provider (`withRefresh`): it serves the last good credentials while a refresh fails. */
  readonly provider: AwsCredentialIdentityProvider;
  readonly now: () => number;
  /** Told about every new set of credentials, so their secrets can be kept out of the logs. */
  readonly onNewCredentials?: (credentials: AwsCredentialIdentity) => void;
}

/**
 * Resolves what the endpoints serve. Rejects, never resolves empty or expired credentials, so a handler can only
 * answer `Success` with something usable. Whatever the source returns last is what is served: a new set may reuse the
 * previous `AccessKeyId` (a session extended in place, an emulator), so sets are told apart by every field, not by
 * the key id alone.
 */
export function createServedCredentials(options: ServedCredentialsOptions): () => Promise<ServedCredentials> {
  let last: { readonly source: AwsCredentialIdentity; readonly served: ServedCredentials } | undefined;
  return async () => {
    const credentials = await options.provider();
    const { expiration } = credentials;
    if (credentials.accessKeyId === "" || credentials.secretAccessKey === "") {
      throw new UnservableCredentialsError("empty access key id or secret access key");
    }
    if (!(expiration instanceof Date) || Number.isNaN(expiration.getTime())) {
      throw new UnservableCredentialsError("no expiration (IMDS and container clients require one)");
    }
    if (expiration.getTime() <= options.now()) {
      throw new UnservableCredentialsError(`they expired at ${expiration.toISOString()}`);
    }
    // A refreshing provider hands out the same object until it refreshes: the common case costs one comparison.
    if (last !== undefined && (last.source === credentials || sameSet(last.served.credentials, credentials, expiration))) {
      return last.served;
    }
    options.onNewCredentials?.(credentials);
    last = {
      source: credentials,
      served: { credentials: { ...credentials, expiration }, lastUpdated: new Date(options.now()) },
    };
    return last.served;
  };
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
