import { createHash, randomBytes } from "node:crypto";
import { chmod, lstat, mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { defaultRefreshBeforeMs } from "@workload-identity/refresh";
import type { SigningConfig } from "./args.js";

/** `$XDG_CACHE_HOME/workload-identity/roles-anywhere`, or `~/.cache/…` when it is unset or not absolute. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(home, ".cache");
  return join(base, "workload-identity", "roles-anywhere");
}

/** The cache file of a configuration: a hash of everything that decides which credentials CreateSession returns. */
export function cacheFilePath(dir: string, signing: SigningConfig): string {
  const identity = JSON.stringify([
    signing.certificate,
    signing.privateKey,
    signing.intermediates ?? null,
    signing.trustAnchorArn,
    signing.profileArn,
    signing.roleArn,
    signing.region ?? null,
    signing.sessionDurationSeconds,
    signing.endpoint ?? null,
    signing.roleSessionName ?? null,
  ]);
  return join(dir, `${createHash("sha256").update(identity).digest("hex").slice(0, 40)}.json`);
}

interface CacheFileContent {
  version: 1;
  obtainedAt: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration: string;
  accountId?: string;
}

/**
 * Reads cached credentials, or `undefined` when there are none worth using: missing, unreadable, malformed, not a
 * private file of this user, or inside their refresh window (the SDKs' advisory window for their lifetime).
 */
export async function readCachedCredentials(file: string, now: number): Promise<AwsCredentialIdentity | undefined> {
  try {
    const stats = await lstat(file);
    if (!stats.isFile() || (stats.mode & 0o077) !== 0) return undefined;
    if (process.getuid !== undefined && stats.uid !== process.getuid()) return undefined;
    const content = JSON.parse(await readFile(file, "utf8")) as Partial<CacheFileContent>;
    if (content.version !== 1 || typeof content.accessKeyId !== "string" || typeof content.secretAccessKey !== "string") {
      return undefined;
    }
    const expiresAt = Date.parse(String(content.expiration));
    const obtainedAt = Date.parse(String(content.obtainedAt));
    if (Number.isNaN(expiresAt) || Number.isNaN(obtainedAt) || obtainedAt > now) return undefined;
    if (now >= expiresAt - defaultRefreshBeforeMs(expiresAt - obtainedAt)) return undefined;
    return {
      accessKeyId: content.accessKeyId,
      secretAccessKey: content.secretAccessKey,
      ...(typeof content.sessionToken === "string" ? { sessionToken: content.sessionToken } : {}),
      ...(typeof content.accountId === "string" ? { accountId: content.accountId } : {}),
      expiration: new Date(expiresAt),
    };
  } catch {
    return undefined;
  }
}

/**
 * Writes credentials atomically (a 0600 temporary file renamed over the old one) in a 0700 directory. Credentials
 * without an expiration are not cached.
 */
export async function writeCachedCredentials(
  file: string,
  credentials: AwsCredentialIdentity,
  obtainedAt: number,
): Promise<void> {
  if (credentials.expiration === undefined) return;
  const dir = join(file, "..");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (((await lstat(dir)).mode & 0o777) !== 0o700) await chmod(dir, 0o700);
  const content: CacheFileContent = {
    version: 1,
    obtainedAt: new Date(obtainedAt).toISOString(),
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    ...(credentials.sessionToken === undefined ? {} : { sessionToken: credentials.sessionToken }),
    expiration: credentials.expiration.toISOString(),
    ...(credentials.accountId === undefined ? {} : { accountId: credentials.accountId }),
  };
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(temporary, "wx", 0o600);
  try {
    await handle.writeFile(JSON.stringify(content));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, file);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
