import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { readCachedCredentials, writeCachedCredentials } from "./cache.js";
import { describeError, type JsonLogger } from "./log.js";

/** Options of {@link resolveForCredentialProcess}. */
export interface CredentialProcessOptions {
  readonly provider: AwsCredentialIdentityProvider;
  /** Where to keep the credentials between runs; no caching when undefined. */
  readonly cacheFile: string | undefined;
  readonly now: () => number;
  readonly log: JsonLogger;
}

/** Resolves credentials for one `credential-process` run, through the cache file when one is given. */
export async function resolveForCredentialProcess(options: CredentialProcessOptions): Promise<AwsCredentialIdentity> {
  const { cacheFile, log } = options;
  if (cacheFile !== undefined) {
    const cached = await readCachedCredentials(cacheFile, options.now());
    if (cached !== undefined) {
      log.debug("credentials served from the cache file", { cacheFile, expiration: cached.expiration?.toISOString() });
      return cached;
    }
  }
  const obtainedAt = options.now();
  const credentials = await options.provider();
  if (cacheFile !== undefined) {
    try {
      await writeCachedCredentials(cacheFile, credentials, obtainedAt);
    } catch (error) {
      // The credentials are good; only the next run pays for a CreateSession.
      log.warn("could not write the cache file", { cacheFile, ...describeError(error) });
    }
  }
  return credentials;
}

/** The `credential_process` output, version 1, as AWS CLIs and SDKs read it. */
export function formatCredentialProcessOutput(credentials: AwsCredentialIdentity): string {
  return JSON.stringify({
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken === undefined ? {} : { SessionToken: credentials.sessionToken }),
    ...(credentials.expiration === undefined ? {} : { Expiration: credentials.expiration.toISOString() }),
  });
}
