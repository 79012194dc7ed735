import type { AwsCredentialIdentity } from "@aws-sdk/types";
import type { SigningConfig } from "./args.js";
import { type CacheKey, cacheKey, defaultCacheDir, readCachedCredentials } from "./cache.js";

// What a `credential-process` run needs when its cache holds good credentials: nothing here loads the library or the
// SDK packages (the AWS CLI starts the command once per call, so its start time is the command's cost).

/** Where a `credential-process --cache` configuration is cached, and what there is worth reusing. */
export interface CredentialProcessCache {
  readonly key: CacheKey;
  /** `undefined` when there is nothing to reuse (see `readCachedCredentials`). */
  readonly credentials: AwsCredentialIdentity | undefined;
}

/** Reads the cache entry of a configuration (synchronously, see `readCachedCredentials`). */
export function readCredentialProcessCache(
  signing: SigningConfig,
  context: { readonly env: NodeJS.ProcessEnv; readonly homedir: string; readonly now: number },
): CredentialProcessCache {
  const key = cacheKey(defaultCacheDir(context.env, context.homedir), signing);
  return { key, credentials: readCachedCredentials(key, context.now) };
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
