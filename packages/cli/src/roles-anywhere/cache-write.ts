import { chmod, lstat, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { writePrivateFile } from "@workload-identity/core";
import type { CacheFileContent, CacheKey } from "./cache.js";

/** When cached credentials were obtained, and until when to reuse them (both in milliseconds since the epoch). */
export interface CacheEntryTimes {
  readonly obtainedAt: number;
  readonly reuseUntil: number;
}

/**
 * Writes credentials atomically (a 0600 temporary file renamed over the old one) in a 0700 directory. Credentials
 * without an expiration are not cached.
 */
export async function writeCachedCredentials(
  key: CacheKey,
  credentials: AwsCredentialIdentity,
  times: CacheEntryTimes,
): Promise<void> {
  const { file } = key;
  if (credentials.expiration === undefined) return;
  const dir = join(file, "..");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (((await lstat(dir)).mode & 0o777) !== 0o700) await chmod(dir, 0o700);
  const content: CacheFileContent = {
    version: 2,
    identity: key.identity,
    obtainedAt: new Date(times.obtainedAt).toISOString(),
    reuseUntil: new Date(times.reuseUntil).toISOString(),
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken === undefined ? {} : { sessionToken: credentials.sessionToken }),
    expiration: credentials.expiration.toISOString(),
    ...(credentials.accountId === undefined ? {} : { accountId: credentials.accountId }),
  };
  await writePrivateFile(file, JSON.stringify(content));
}
