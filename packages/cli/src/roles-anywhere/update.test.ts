import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { parseCli } from "./args.js";
import type { CliDeps } from "./cli-deps.js";
import { runUpdate, UPDATE_REFRESH_BEFORE_MS, UPDATE_RETRY_INTERVAL_MS } from "./update.js";

// The loop in process, on vitest's fake timers (Date included): a provider that answers what the test says, a file
// in a temporary directory.

const FLAGS = [
  "--certificate", "tls.crt", "--private-key", "tls.key",
  "--trust-anchor-arn", "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/ta",
  "--profile-arn", "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/p",
  "--role-arn", "arn:aws:iam::123456789012:role/reader",
];
const LIFETIME_MS = 3_600_000;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ra-update-"));
  vi.useFakeTimers({ now: Date.parse("2030-01-01T00:00:00Z") });
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

/** `answer(n)` is the provider's n-th answer (from 1), made when asked: credentials, or an error to throw. */
function harness(answer: (call: number) => AwsCredentialIdentity | Error) {
  const calls: unknown[] = [];
  /** When each call came, on the fake clock. */
  const times: number[] = [];
  const stderr: string[] = [];
  let shutdown: (signal: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => (shutdown = resolve));
  const deps: CliDeps = {
    createProvider: () => async (properties?: unknown) => {
      calls.push(properties);
      times.push(Date.now());
      const result = answer(calls.length);
      if (result instanceof Error) throw result;
      return result;
    },
    inspectCertificate: () => Promise.reject(new Error("unused")),
    stdout: () => undefined,
    stderr: (text) => stderr.push(text),
    env: { AWS_SHARED_CREDENTIALS_FILE: join(dir, "aws", "credentials") },
    cwd: dir,
    homedir: dir,
    now: () => Date.now(),
    waitForShutdown: () => stopped,
    version: "0.0.0-test",
  };
  const command = parseCli(["update", ...FLAGS, "--profile", "ra"], dir);
  if (command.command !== "update") throw new Error("not an update command");
  return { deps, command, calls, times, stderr, stop: (signal = "SIGTERM") => shutdown(signal) };
}

const set = (n: number): AwsCredentialIdentity => ({
  accessKeyId: `ASIAUPDATE${n}`,
  secretAccessKey: `update-secret-key-${n}-0000000000000000000000`,
  sessionToken: `update-session-token-${n}`,
  expiration: new Date(Date.now() + LIFETIME_MS),
});
const credentialsFile = () => join(dir, "aws", "credentials");
const writtenKey = async () => /aws_access_key_id = (\S+)/.exec(await readFile(credentialsFile(), "utf8"))?.[1];

describe(runUpdate.name, () => {
  it("forces a refresh 5 minutes before expiry; after a failure keeps the file and retries 30 s later", async () => {
    let firstExpiry = 0;
    const h = harness((n) => {
      if (n === 2) return new Error("CreateSession refused");
      const credentials = set(n);
      if (n === 1) firstExpiry = credentials.expiration?.getTime() ?? 0;
      return credentials;
    });
    const exit = runUpdate(h.command, h.deps);
    await vi.waitFor(async () => expect(await writtenKey()).toBe("ASIAUPDATE1"));
    await vi.advanceTimersByTimeAsync(LIFETIME_MS);
    await vi.waitFor(async () => expect(await writtenKey()).toBe("ASIAUPDATE3"));

    expect(h.calls).toEqual([undefined, { forceRefresh: true }, { forceRefresh: true }]);
    expect(h.times[1]).toBe(firstExpiry - UPDATE_REFRESH_BEFORE_MS);
    expect((h.times[2] ?? 0) - (h.times[1] ?? 0)).toBe(UPDATE_RETRY_INTERVAL_MS);
    expect(h.stderr.join("")).not.toContain("update-secret-key");

    h.stop("SIGINT");
    expect(await exit).toBe(0);
    expect(h.stderr.join("")).toContain('"msg":"shutting down","signal":"SIGINT"');
  });

  it("exits 1 when the credentials file cannot be written", async () => {
    await mkdir(join(dir, "aws"));
    // A directory where the file should be: the rename fails.
    await mkdir(credentialsFile());
    const h = harness(set);
    expect(await runUpdate(h.command, h.deps)).toBe(1);
    expect(h.stderr.join("")).toContain('"msg":"cannot write the credentials file"');
    expect(h.stderr.join("")).not.toContain("update-secret-key-1");
  });

  it("--once writes once and exits without waiting", async () => {
    const h = harness(set);
    const command = { ...h.command, once: true };
    expect(await runUpdate(command, h.deps)).toBe(0);
    expect(await writtenKey()).toBe("ASIAUPDATE1");
    expect(h.calls).toHaveLength(1);
  });

  it("keeps what is in the file on a signal during the first CreateSession", async () => {
    await mkdir(join(dir, "aws"));
    await writeFile(credentialsFile(), "[ra]\nregion = eu-west-1\n");
    const h = harness(() => new Error("unused"));
    h.deps = { ...h.deps, createProvider: () => () => new Promise<AwsCredentialIdentity>(() => undefined) };
    const exit = runUpdate(h.command, h.deps);
    h.stop();
    expect(await exit).toBe(0);
    expect(await readFile(credentialsFile(), "utf8")).toBe("[ra]\nregion = eu-west-1\n");
  });
});
