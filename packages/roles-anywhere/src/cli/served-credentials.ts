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
 * answer `Success` with something usable.
 */
export function createServedCredentials(options: ServedCredentialsOptions): () => Promise<ServedCredentials> {
  let last: ServedCredentials | undefined;
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
    if (last === undefined || last.credentials.accessKeyId !== credentials.accessKeyId) {
      options.onNewCredentials?.(credentials);
      last = { credentials: { ...credentials, expiration }, lastUpdated: new Date(options.now()) };
    }
    return last;
  };
}

/** RFC 3339 in whole seconds, as AWS's metadata services write it. */
export function formatTimestamp(date: Date): string {
  return `${new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}
