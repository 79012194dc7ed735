import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SigningConfig } from "./args.js";
import { type CacheKey, cacheKey, defaultCacheDir, readCachedCredentials } from "./cache.js";
import { writeCachedCredentials } from "./cache-write.js";

const signing: SigningConfig = {
  certificate: "/c/tls.crt",
  privateKey: "/c/tls.key",
  intermediates: undefined,
  passphraseFile: undefined,
  trustAnchorArn: "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/ta",
  profileArn: "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/p",
  roleArn: "arn:aws:iam::123456789012:role/app",
  region: undefined,
  sessionDurationSeconds: 3600,
  endpoint: undefined,
  roleSessionName: undefined,
  timeoutMs: undefined,
  pkcs11: { lib: undefined, pinFile: undefined, reusePin: false },
};

const T0 = Date.parse("2030-01-01T00:00:00Z");
const TIMES = { obtainedAt: T0, reuseUntil: T0 + 45 * 60_000 };
const credentials = {
  accessKeyId: "ASIACACHED",
  secretAccessKey: "cached-secret",
  sessionToken: "cached-token",
  expiration: new Date(T0 + 3_600_000),
  accountId: "123456789012",
};

describe(defaultCacheDir.name, () => {
  it("uses $XDG_CACHE_HOME when it is absolute, else ~/.cache", () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/xdg" }, "/home/u")).toBe("/xdg/workload-identity/roles-anywhere");
    expect(defaultCacheDir({ XDG_CACHE_HOME: "relative" }, "/home/u")).toBe("/home/u/.cache/workload-identity/roles-anywhere");
    expect(defaultCacheDir({}, "/home/u")).toBe("/home/u/.cache/workload-identity/roles-anywhere");
  });
});

describe(cacheKey.name, () => {
  it("gives one file per configuration", () => {
    const a = cacheKey("/d", signing).file;
    expect(a).toMatch(/^\/d\/[0-9a-f]{16}\.json$/);
    expect(cacheKey("/d", { ...signing }).file).toBe(a);
    expect(cacheKey("/d", { ...signing, roleArn: "arn:aws:iam::123456789012:role/other" }).file).not.toBe(a);
    expect(cacheKey("/d", { ...signing, sessionDurationSeconds: 900 }).file).not.toBe(a);
    expect(cacheKey("/d", { ...signing, endpoint: "http://127.0.0.1:1" }).file).not.toBe(a);
    // How long CreateSession may take does not change what it returns.
    expect(cacheKey("/d", { ...signing, timeoutMs: 60_000 }).file).toBe(a);
  });
});

describe("credential cache file", () => {
  let dir: string;
  let file: string;
  let key: CacheKey;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ra-cache-"));
    file = join(dir, "nested", "cache", "entry.json");
    key = { file, identity: cacheKey(dir, signing).identity };
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("writes a 0600 file in a 0700 directory, leaving no temporary file behind", async () => {
    await writeCachedCredentials(key, credentials, TIMES);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(file, ".."))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(file, ".."))).toEqual(["entry.json"]);
  });

  it("tightens an existing directory to 0700", async () => {
    await writeCachedCredentials(key, credentials, TIMES);
    await chmod(join(file, ".."), 0o755);
    await writeCachedCredentials(key, credentials, TIMES);
    expect((await stat(join(file, ".."))).mode & 0o777).toBe(0o700);
  });

  it("reuses the credentials until the time they were written with, then reports none", async () => {
    await writeCachedCredentials(key, credentials, TIMES);
    expect(readCachedCredentials(key, T0 + 1_000)).toEqual(credentials);
    expect(readCachedCredentials(key, T0 + 45 * 60_000 - 1)).toEqual(credentials);
    expect(readCachedCredentials(key, T0 + 45 * 60_000)).toBeUndefined();
  });

  it("ignores an entry obtained in the future (a clock set back) or reused past its expiration", async () => {
    await writeCachedCredentials(key, credentials, TIMES);
    expect(readCachedCredentials(key, T0 - 1_000)).toBeUndefined();
    await writeCachedCredentials(key, credentials, { obtainedAt: T0, reuseUntil: T0 + 2 * 3_600_000 });
    expect(readCachedCredentials(key, T0 + 1_000)).toBeUndefined();
  });

  it("ignores an entry written for another configuration that shares its file", async () => {
    await writeCachedCredentials(key, credentials, TIMES);
    expect(readCachedCredentials({ file, identity: cacheKey(dir, { ...signing, roleArn: "arn:aws:iam::123456789012:role/other" }).identity }, T0 + 1_000)).toBeUndefined();
  });

  it("ignores an entry of the first version (no reuseUntil)", async () => {
    await writeCachedCredentials(key, credentials, TIMES);
    const content = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
    delete content.reuseUntil;
    await writeFile(file, JSON.stringify({ ...content, version: 1 }), { mode: 0o600 });
    expect(readCachedCredentials(key, T0 + 1_000)).toBeUndefined();
  });

  it("ignores a file others can read, a corrupt file and a missing file", async () => {
    await writeCachedCredentials(key, credentials, TIMES);
    await chmod(file, 0o644);
    expect(readCachedCredentials(key, T0 + 1_000)).toBeUndefined();
    await writeFile(file, "{not json", { mode: 0o600 });
    await chmod(file, 0o600);
    expect(readCachedCredentials(key, T0 + 1_000)).toBeUndefined();
    expect(readCachedCredentials({ ...key, file: join(dir, "missing.json") }, T0)).toBeUndefined();
  });

  it("replaces the previous entry atomically", async () => {
    await writeCachedCredentials(key, credentials, TIMES);
    await writeCachedCredentials(key, { ...credentials, accessKeyId: "ASIANEWER" }, { ...TIMES, obtainedAt: T0 + 60_000 });
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({ accessKeyId: "ASIANEWER", version: 2 });
  });
});
