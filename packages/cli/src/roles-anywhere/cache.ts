import { lstatSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { isPkcs11Uri, type SigningConfig } from "./args.js";

// Reading a cache entry is all a repeated `credential-process --cache` does, and the AWS CLI starts the command once
// per call: this module loads only what Node has loaded at startup anyway (not node:crypto, 5 ms of a 30 ms start;
// not node:fs/promises, 1 ms). When to stop reusing an entry is decided by the writer (cache-write.ts), which has the
// refresh rules loaded anyway.

/** `$XDG_CACHE_HOME/workload-identity/roles-anywhere`, or `~/.cache/…` when it is unset or not absolute. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(home, ".cache");
  return join(base, "workload-identity", "roles-anywhere");
}

/** Where a configuration's credentials are cached, and what identifies the configuration inside the file. */
export interface CacheKey {
  readonly file: string;
  /** Everything that decides which credentials CreateSession returns. */
  readonly identity: string;
}

/**
 * The cache key of a configuration. The file is named by two 32-bit FNV-1a hashes of the identity, which the file
 * also holds: an entry is used only for its own identity, so two configurations that hash alike merely share a file.
 */
export function cacheKey(dir: string, signing: SigningConfig): CacheKey {
  const identity = JSON.stringify([
    withoutQuery(signing.certificate),
    withoutQuery(signing.privateKey),
    signing.intermediates ?? null,
    signing.trustAnchorArn,
    signing.profileArn,
    signing.roleArn,
    signing.region ?? null,
    signing.sessionDurationSeconds ?? null,
    signing.endpoint ?? null,
    signing.roleSessionName ?? null,
  ]);
  return { file: join(dir, `${fnv1a32(identity, 0x811c9dc5)}${fnv1a32(identity, 0x050c5d1f)}.json`), identity };
}

/**
 * A PKCS#11 URI's query (module-path, pin-source, pin-value) says how to reach the key, not which key it is, and may
 * hold the PIN, which must not be written into the cache file.
 */
function withoutQuery<T extends string | undefined>(material: T): T {
  return (isPkcs11Uri(material) ? material?.replace(/\?.*$/s, "") : material) as T;
}

/** FNV-1a over UTF-16 code units, as 8 hex digits. */
function fnv1a32(text: string, offsetBasis: number): string {
  let hash = offsetBasis;
  for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, "0");
}

/** A cache file's JSON. */
export interface CacheFileContent {
  version: 2;
  identity: string;
  obtainedAt: string;
  /** Reused until then: the start of the SDKs' refresh window for these credentials. */
  reuseUntil: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration: string;
  accountId?: string;
}

/**
 * Reads cached credentials, or `undefined` when there are none worth using: missing, unreadable, malformed (or of an
 * older version or another configuration), not a private file of this user, or past the `reuseUntil` they were
 * written with. Synchronous: the CLI reads one small file before it does anything else, and the asynchronous API
 * would cost more than the read (loading node:fs/promises, starting libuv's thread pool).
 */
export function readCachedCredentials(key: CacheKey, now: number): AwsCredentialIdentity | undefined {
  const { file } = key;
  try {
    const stats = lstatSync(file);
    if (!stats.isFile() || (stats.mode & 0o077) !== 0) return undefined;
    if (process.getuid !== undefined && stats.uid !== process.getuid()) return undefined;
    const content = JSON.parse(readFileSync(file, "utf8")) as Partial<CacheFileContent>;
    if (
      content.version !== 2 ||
      content.identity !== key.identity ||
      typeof content.accessKeyId !== "string" ||
      typeof content.secretAccessKey !== "string"
    ) {
      return undefined;
    }
    const expiresAt = Date.parse(String(content.expiration));
    const obtainedAt = Date.parse(String(content.obtainedAt));
    const reuseUntil = Date.parse(String(content.reuseUntil));
    if (Number.isNaN(expiresAt) || Number.isNaN(obtainedAt) || Number.isNaN(reuseUntil)) return undefined;
    // A clock set back, or an entry claiming more than its credentials' life: refetch.
    if (obtainedAt > now || reuseUntil > expiresAt || now >= reuseUntil) return undefined;
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
