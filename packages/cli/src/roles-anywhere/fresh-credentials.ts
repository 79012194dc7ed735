import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { defaultRefreshBeforeMs } from "@workload-identity/refresh";
import type { SigningConfig } from "./args.js";
import type { CacheKey } from "./cache.js";
import { writeCachedCredentials } from "./cache-write.js";
import { describeError, type JsonLogger } from "./log.js";
import { providerRequest } from "./provider-request.js";
import type { CliDeps } from "./cli-deps.js";

/** Options of {@link obtainCredentials}. */
export interface ObtainCredentialsOptions {
  readonly signing: SigningConfig;
  readonly deps: Pick<CliDeps, "createProvider" | "now" | "env">;
  readonly log: JsonLogger;
  /** Where to keep the credentials for the next runs; no caching when undefined. */
  readonly cache: CacheKey | undefined;
}

/**
 * One CreateSession for `credential-process`, through the library, and the cache entry for the next runs: reused
 * until the SDKs' refresh window of these credentials opens (the last 15 minutes of a one-hour session).
 */
export async function obtainCredentials(options: ObtainCredentialsOptions): Promise<AwsCredentialIdentity> {
  const { deps, log, cache } = options;
  // The failure is printed once, by the caller; the library's own lines only with --debug, except its expiry warning.
  const provider = await deps.createProvider(await providerRequest(options.signing, log, {}, { keep: ["warn"] }, deps.env));
  const obtainedAt = deps.now();
  const credentials = await provider();
  if (cache !== undefined && credentials.expiration !== undefined) {
    const expiresAt = credentials.expiration.getTime();
    const reuseUntil = expiresAt - defaultRefreshBeforeMs(expiresAt - obtainedAt);
    try {
      await writeCachedCredentials(cache, credentials, { obtainedAt, reuseUntil });
    } catch (error) {
      // The credentials are good; only the next run pays for a CreateSession.
      log.warn("could not write the cache file", { cacheFile: cache.file, ...describeError(error) });
    }
  }
  return credentials;
}
