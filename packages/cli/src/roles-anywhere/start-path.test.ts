import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTestCliDeps, FLAGS, type TestCliDeps } from "../../test/test-cli-deps.js";

// The AWS CLI starts `credential_process` once per command: a cached answer, `--help` and `--version` must load
// nothing but the CLI's own start path. The SDK packages (behind every error class of the library) cost more than
// the rest of the run; loading one there fails the import.
const HEAVY = ["@workload-identity/refresh", "@smithy/property-provider", "@aws-sdk/credential-providers"];

const NOW = Date.parse("2030-01-01T00:00:00Z");

describe("the CLI's start path", () => {
  let dir: string;
  let deps: TestCliDeps;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ra-start-"));
    deps = createTestCliDeps({
      cwd: dir,
      now: () => NOW,
      inspectCertificate: () => Promise.reject(new Error("no certificate on the start path")),
    });
    // The entry a previous run left, written as that run does.
    const { cacheKey, defaultCacheDir } = await import("./cache.js");
    const { writeCachedCredentials } = await import("./cache-write.js");
    const { parseCli } = await import("./args.js");
    const command = parseCli(["credential-process", "--cache", ...FLAGS], dir);
    if (command.command !== "credential-process") throw new Error("unexpected parse");
    await writeCachedCredentials(
      cacheKey(defaultCacheDir(deps.env, dir), command.signing),
      { accessKeyId: "ASIACACHED", secretAccessKey: "cached-secret", sessionToken: "cached-token", expiration: new Date(NOW + 3_600_000) },
      { obtainedAt: NOW - 60_000, reuseUntil: NOW + 2_700_000 },
    );
    // Writing it loaded what a run that fetched credentials loads: forget it all, so the start path below is measured
    // from an empty module registry, and forbid the heavy packages from here on.
    vi.resetModules();
    for (const heavy of HEAVY) {
      vi.doMock(heavy, () => {
        throw new Error(`the start path loaded ${heavy}`);
      });
    }
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("answers credential-process --cache from a valid entry, --help and --version without loading an SDK package", async () => {
    const { runCli } = await import("./run.js");
    expect(await runCli(["credential-process", "--cache", ...FLAGS], deps)).toBe(0);
    expect(JSON.parse(deps.written.stdout.join(""))).toMatchObject({ Version: 1, AccessKeyId: "ASIACACHED", SessionToken: "cached-token" });
    deps.written.stdout.length = 0;
    expect(await runCli(["--help"], deps)).toBe(0);
    expect(await runCli(["--version"], deps)).toBe(0);
    expect(deps.written.stdout.join("")).toContain("Usage: roles-anywhere");
    expect(deps.written.stdout.join("")).toContain("0.0.0-test");
    expect(deps.written.stderr).toEqual([]);
  });
});
