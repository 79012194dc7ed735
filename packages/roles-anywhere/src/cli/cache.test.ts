import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SigningConfig } from "./args.js";
import { cacheFilePath, defaultCacheDir, readCachedCredentials, writeCachedCredentials } from "./cache.js";

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
};

const T0 = Date.parse("2030-01-01T00:00:00Z");
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

describe(cacheFilePath.name, () => {
  it("gives one file per configuration", () => {
    const a = cacheFilePath("/d", signing);
    expect(a).toMatch(/^\/d\/[0-9a-f]{40}\.json$/);
    expect(cacheFilePath("/d", { ...signing })).toBe(a);
    expect(cacheFilePath("/d", { ...signing, roleArn: "arn:aws:iam::123456789012:role/other" })).not.toBe(a);
    expect(cacheFilePath("/d", { ...signing, sessionDurationSeconds: 900 })).not.toBe(a);
    expect(cacheFilePath("/d", { ...signing, endpoint: "http://127.0.0.1:1" })).not.toBe(a);
  });
});

describe("credential cache file", () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ra-cache-"));
    file = join(dir, "nested", "cache", "entry.json");
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("writes a 0600 file in a 0700 directory, leaving no temporary file behind", async () => {
    await writeCachedCredentials(file, credentials, T0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(file, ".."))).mode & 0o777).toBe(0o700);
    expect(await readdir(join(file, ".."))).toEqual(["entry.json"]);
  });

  it("tightens an existing directory to 0700", async () => {
    await writeCachedCredentials(file, credentials, T0);
    await chmod(join(file, ".."), 0o755);
    await writeCachedCredentials(file, credentials, T0);
    expect((await stat(join(file, ".."))).mode & 0o777).toBe(0o700);
  });

  it("reuses the credentials until the refresh window, then reports none", async () => {
    await writeCachedCredentials(file, credentials, T0);
    expect(await readCachedCredentials(file, T0 + 1_000)).toEqual(credentials);
    // one-hour credentials: the SDKs' advisory window is the last 15 minutes
    expect(await readCachedCredentials(file, T0 + 44 * 60_000)).toEqual(credentials);
    expect(await readCachedCredentials(file, T0 + 45 * 60_000)).toBeUndefined();
  });

  it("ignores a file others can read, a corrupt file and a missing file", async () => {
    await writeCachedCredentials(file, credentials, T0);
    await chmod(file, 0o644);
    expect(await readCachedCredentials(file, T0 + 1_000)).toBeUndefined();
    await writeFile(file, "{not json", { mode: 0o600 });
    await chmod(file, 0o600);
    expect(await readCachedCredentials(file, T0 + 1_000)).toBeUndefined();
    expect(await readCachedCredentials(join(dir, "missing.json"), T0)).toBeUndefined();
  });

  it("replaces the previous entry atomically", async () => {
    await writeCachedCredentials(file, credentials, T0);
    await writeCachedCredentials(file, { ...credentials, accessKeyId: "ASIANEWER" }, T0 + 60_000);
    expect(JSON.parse(await readFile(file, "utf8"))).toMatchObject({ accessKeyId: "ASIANEWER", version: 1 });
  });
});
