import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createClock, createFakeSource, PLANTED, serviceError } from "../../test/cli-support.js";
import type { CertificateDates } from "./certificate-expiry.js";
import { type CliDeps, type ProviderRequest, runCli } from "./run.js";

// Polls, never sleeps; generous, as the machine is shared.
const WAIT = { timeout: 15_000, interval: 10 };

const DAY_MS = 86_400_000;
const FLAGS = [
  "--certificate", "tls.crt",
  "--private-key", "tls.key",
  "--trust-anchor-arn", "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/ta",
  "--profile-arn", "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/p",
  "--role-arn", "arn:aws:iam::123456789012:role/apps/reader",
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "ra-run-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function harness(certificateValidForMs = 90 * DAY_MS) {
  const clock = createClock();
  const fake = createFakeSource(clock);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const requests: ProviderRequest[] = [];
  let shutdown: ((signal: string) => void) | undefined;
  let inspected = 0;
  const deps: CliDeps = {
    createProvider: (request) => {
      requests.push(request);
      return fake.provider(request.refresh);
    },
    inspectCertificate: async (): Promise<CertificateDates> => {
      inspected += 1;
      return { subject: "CN=workload.test", serialNumber: "4242", validTo: new Date(clock.now() + certificateValidForMs) };
    },
    stdout: (text) => stdout.push(text),
    stderr: (text) => stderr.push(text),
    env: { XDG_CACHE_HOME: join(dir, "cache") },
    cwd: dir,
    homedir: dir,
    now: clock.now,
    waitForShutdown: () => new Promise((resolve) => (shutdown = resolve)),
    version: "0.0.0-test",
  };
  const logLines = () => stderr.join("").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    clock, fake, deps, stdout, stderr, requests, logLines,
    get inspected() { return inspected; },
    shutdown: (signal = "SIGTERM") => shutdown?.(signal),
  };
}

function expectNoPlantedSecret(text: string): void {
  for (const secret of Object.values(PLANTED)) expect(text).not.toContain(secret);
}

describe("roles-anywhere credential-process", () => {
  it("prints the Version 1 credential_process JSON and exits 0", async () => {
    const h = harness();
    expect(await runCli(["credential-process", ...FLAGS], h.deps)).toBe(0);
    expect(h.stdout.join("")).toBe(
      JSON.stringify({
        Version: 1,
        AccessKeyId: "ASIAFAKE00000001",
        SecretAccessKey: `${PLANTED.secretAccessKey}1`,
        SessionToken: `${PLANTED.sessionToken}1`,
        Expiration: "2030-01-01T01:00:00.000Z",
      }),
    );
    expect(h.stderr).toEqual([]);
  });

  it("hands the flags to the library, with the passphrase read from its file", async () => {
    const h = harness();
    await writeFile(join(dir, "pass"), `${PLANTED.passphrase}\n`);
    await runCli(["credential-process", ...FLAGS, "--private-key-passphrase-file", "pass", "--session-duration", "900", "--timeout-ms", "30000"], h.deps);
    expect(h.requests[0]).toMatchObject({
      passphrase: PLANTED.passphrase,
      signing: {
        certificate: join(dir, "tls.crt"),
        privateKey: join(dir, "tls.key"),
        roleArn: "arn:aws:iam::123456789012:role/apps/reader",
        sessionDurationSeconds: 900,
        timeoutMs: 30_000,
      },
    });
  });

  it("exits 1 with one line naming the error code, and prints nothing on stdout", async () => {
    const h = harness();
    h.fake.fail(serviceError("ACCESS_DENIED", "AccessDeniedException: the profile does not allow this role"));
    expect(await runCli(["credential-process", ...FLAGS], h.deps)).toBe(1);
    expect(h.stdout).toEqual([]);
    expect(h.stderr).toEqual([
      "roles-anywhere: ACCESS_DENIED: AccessDeniedException: the profile does not allow this role\n",
    ]);
  });

  it("adds the AWS request id to the line once", async () => {
    const h = harness();
    h.fake.fail(Object.assign(serviceError("ROLES_ANYWHERE_SERVICE_ERROR", "AccessDeniedException: denied"), { requestId: "req-123" }));
    await runCli(["credential-process", ...FLAGS], h.deps);
    h.fake.fail(Object.assign(serviceError("ROLES_ANYWHERE_SERVICE_ERROR", "denied (request id req-456)"), { requestId: "req-456" }));
    await runCli(["credential-process", ...FLAGS], h.deps);
    expect(h.stderr).toEqual([
      "roles-anywhere: ROLES_ANYWHERE_SERVICE_ERROR: AccessDeniedException: denied (request id req-123)\n",
      "roles-anywhere: ROLES_ANYWHERE_SERVICE_ERROR: denied (request id req-456)\n",
    ]);
  });

  it("exits 1 naming an unreadable passphrase file", async () => {
    const h = harness();
    expect(await runCli(["credential-process", ...FLAGS, "--private-key-passphrase-file", "missing"], h.deps)).toBe(1);
    expect(h.stderr.join("")).toMatch(/^roles-anywhere: CLI_USAGE: .*--private-key-passphrase-file .*missing/);
  });

  it("exits 2 with one line on a usage error", async () => {
    const h = harness();
    expect(await runCli(["credential-process", "--certificate", "c"], h.deps)).toBe(2);
    expect(h.stderr).toHaveLength(1);
    expect(h.stderr[0]).toMatch(/^roles-anywhere: CLI_USAGE: .*--trust-anchor-arn.*\n$/);
  });

  it("never prints the passphrase, even when an error message carries it", async () => {
    const h = harness();
    await writeFile(join(dir, "pass"), PLANTED.passphrase);
    h.fake.fail(serviceError("KEY_DECRYPTION_FAILED", `bad passphrase ${PLANTED.passphrase}`));
    expect(await runCli(["credential-process", ...FLAGS, "--private-key-passphrase-file", "pass"], h.deps)).toBe(1);
    expect(h.stderr.join("")).toContain("[REDACTED]");
    expectNoPlantedSecret(h.stderr.join(""));
  });

  describe("--cache", () => {
    it("reuses the cached credentials until their refresh window, then calls CreateSession again", async () => {
      const h = harness();
      const run = async () => {
        h.stdout.length = 0;
        expect(await runCli(["credential-process", ...FLAGS, "--cache"], h.deps)).toBe(0);
        return JSON.parse(h.stdout.join("")) as { AccessKeyId: string };
      };
      expect((await run()).AccessKeyId).toBe("ASIAFAKE00000001");
      h.clock.advance(30 * 60_000);
      expect((await run()).AccessKeyId).toBe("ASIAFAKE00000001");
      expect(h.fake.calls).toBe(1);
      h.clock.advance(15 * 60_000);
      expect((await run()).AccessKeyId).toBe("ASIAFAKE00000002");
      expect(h.fake.calls).toBe(2);
    });

    it("keeps the file under $XDG_CACHE_HOME/workload-identity with mode 0600", async () => {
      const h = harness();
      await runCli(["credential-process", ...FLAGS, "--cache"], h.deps);
      const { readdir } = await import("node:fs/promises");
      const cacheDir = join(dir, "cache", "workload-identity", "roles-anywhere");
      const [file] = await readdir(cacheDir);
      expect(file).toMatch(/^[0-9a-f]{16}\.json$/);
      expect((await stat(join(cacheDir, file ?? ""))).mode & 0o777).toBe(0o600);
    });
  });
});

describe("roles-anywhere serve", () => {
  const start = async (h: ReturnType<typeof harness>, extra: string[] = []) => {
    const exit = runCli(["serve", ...FLAGS, "--port", "0", ...extra], h.deps);
    let origin = "";
    await vi.waitFor(() => {
      const line = h.logLines().find((entry) => entry.msg === "serving credentials");
      if (line === undefined) throw new Error("not serving yet");
      origin = `http://127.0.0.1:${String(line.port)}`;
    }, WAIT);
    return { exit, origin };
  };
  const imdsCredentials = async (origin: string) => {
    const token = await (
      await fetch(`${origin}/latest/api/token`, { method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60" } })
    ).text();
    return fetch(`${origin}/latest/meta-data/iam/security-credentials/reader`, { headers: { "x-aws-ec2-metadata-token": token } });
  };

  it("fails fast, exit 1, with a clear log line when the first CreateSession fails", async () => {
    const h = harness();
    h.fake.fail(serviceError("UNTRUSTED_CERTIFICATE", "UntrustedCertificate: not issued by the trust anchor"));
    expect(await runCli(["serve", ...FLAGS, "--port", "0"], h.deps)).toBe(1);
    expect(h.logLines().at(-1)).toMatchObject({
      level: "error",
      msg: "not serving: the first CreateSession failed",
      code: "UNTRUSTED_CERTIFICATE",
      error: expect.stringContaining("not issued by the trust anchor") as string,
    });
    expect(h.logLines().some((line) => line.msg === "serving credentials")).toBe(false);
  });

  it("serves, logs the refresh, and stops cleanly with exit 0 on SIGTERM", async () => {
    const h = harness();
    const { exit, origin } = await start(h);
    expect(h.logLines()).toContainEqual(
      expect.objectContaining({ msg: "credentials refreshed", reason: "initial", expiration: "2030-01-01T01:00:00.000Z" }),
    );
    expect(h.logLines()).toContainEqual(
      expect.objectContaining({ msg: "serving credentials", roleName: "reader", AWS_EC2_METADATA_SERVICE_ENDPOINT: `${origin}/` }),
    );
    expect((await imdsCredentials(origin)).status).toBe(200);
    h.shutdown("SIGTERM");
    expect(await exit).toBe(0);
    await expect(fetch(`${origin}/latest/api/token`, { method: "PUT" })).rejects.toThrow();
    expect(h.logLines().at(-1)).toMatchObject({ msg: "shutting down", signal: "SIGTERM" });
  });

  it("warns at start when the certificate expires within a week", async () => {
    const h = harness(3 * DAY_MS);
    const { exit } = await start(h);
    expect(h.logLines()).toContainEqual(
      expect.objectContaining({
        level: "warn",
        msg: "the certificate expires within a week: renew it",
        subject: "CN=workload.test",
        serialNumber: "4242",
        remainingHours: 72,
      }),
    );
    h.shutdown();
    await exit;
  });

  it("does not warn about a certificate valid for months", async () => {
    const h = harness();
    const { exit } = await start(h);
    expect(h.logLines().filter((line) => line.level === "warn")).toEqual([]);
    h.shutdown();
    await exit;
  });

  it("logs failed refreshes and keeps serving the last good credentials: over IMDS while 11 minutes are left, on the container route until they expire", async () => {
    const h = harness();
    const tokenFile = join(dir, "token");
    const { exit, origin } = await start(h, ["--container-token-file", tokenFile]);
    const { readFile } = await import("node:fs/promises");
    const container = async () => fetch(`${origin}/v1/credentials`, { headers: { authorization: await readFile(tokenFile, "utf8") } });
    h.fake.fail(serviceError("ROLES_ANYWHERE_HTTP_500", "CreateSession answered HTTP 500"));
    h.clock.advance(40 * 60_000); // 20 minutes left, inside serve's mandatory window: the refresh fails
    const stale = await imdsCredentials(origin);
    expect(stale.status).toBe(200);
    expect(await stale.json()).toMatchObject({ AccessKeyId: "ASIAFAKE00000001" });
    expect(h.logLines()).toContainEqual(
      expect.objectContaining({ level: "error", msg: "refresh failed", code: "ROLES_ANYWHERE_HTTP_500", reason: "mandatory" }),
    );
    expect(h.logLines()).toContainEqual(expect.objectContaining({ msg: "serving the last good credentials while refreshing fails" }));

    h.clock.advance(10 * 60_000); // 10 minutes left: botocore could use them past their expiry
    const expiring = await imdsCredentials(origin);
    expect(expiring.status).toBe(500);
    expect(await expiring.json()).toMatchObject({ Code: "CREDENTIALS_EXPIRING" });
    expect(await (await container()).json()).toMatchObject({ AccessKeyId: "ASIAFAKE00000001" });

    h.clock.advance(11 * 60_000); // past the expiration
    const expired = await imdsCredentials(origin);
    expect(expired.status).toBe(500);
    expect(await expired.json()).toMatchObject({ Code: "CREDENTIALS_EXPIRED" });
    expect((await container()).status).toBe(500);
    h.shutdown();
    expect(await exit).toBe(0);
  });

  it.each([
    [3600, 25 * 60_000],
    [900, 10 * 60_000],
  ])(
    "hands out over IMDS, while refreshes succeed, only credentials that botocore will not use past their expiry (--session-duration %i)",
    async (seconds, minimumLeftMs) => {
      const h = harness();
      // The fake source lives as long as the session asked for.
      const fake = createFakeSource(h.clock, seconds * 1000);
      const deps: CliDeps = { ...h.deps, createProvider: (request) => fake.provider(request.refresh) };
      const exit = runCli(["serve", ...FLAGS, "--port", "0", "--session-duration", String(seconds)], deps);
      let origin = "";
      await vi.waitFor(() => {
        const line = h.logLines().find((entry) => entry.msg === "serving credentials");
        if (line === undefined) throw new Error("not serving yet");
        origin = `http://127.0.0.1:${String(line.port)}`;
      }, WAIT);
      const keys = new Set<string>();
      for (let minute = 0; minute < (2 * seconds) / 60; minute += 1) {
        const response = await imdsCredentials(origin);
        expect(response.status).toBe(200);
        const body = (await response.json()) as { AccessKeyId: string; Expiration: string };
        keys.add(body.AccessKeyId);
        // More than botocore's extension window (up to 25 minutes) for one-hour sessions; more than the 10 minutes it
        // may keep an extended set for 15-minute ones.
        expect(Date.parse(body.Expiration) - h.clock.now()).toBeGreaterThan(minimumLeftMs);
        h.clock.advance(60_000);
      }
      expect(keys.size).toBeGreaterThanOrEqual(3);
      h.shutdown();
      await exit;
    },
  );

  it("re-checks the certificate's expiry after each refresh", async () => {
    const h = harness();
    const { exit, origin } = await start(h);
    expect(h.inspected).toBe(1);
    h.clock.advance(59 * 60_000);
    await imdsCredentials(origin);
    await vi.waitFor(() => expect(h.inspected).toBe(2), WAIT);
    h.shutdown();
    await exit;
  });

  it("writes the container token file 0600 when missing, serves with it, and removes it on shutdown", async () => {
    const h = harness();
    const tokenFile = join(dir, "token");
    const { exit, origin } = await start(h, ["--container-token-file", tokenFile]);
    const { readFile } = await import("node:fs/promises");
    const token = await readFile(tokenFile, "utf8");
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
    expect(h.logLines()).toContainEqual(
      expect.objectContaining({
        AWS_CONTAINER_CREDENTIALS_FULL_URI: `${origin}/v1/credentials`,
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
      }),
    );
    const response = await fetch(`${origin}/v1/credentials`, { headers: { authorization: token } });
    expect(await response.json()).toMatchObject({ AccessKeyId: "ASIAFAKE00000001", AccountId: "123456789012" });
    expect(h.stderr.join("")).not.toContain(token);
    h.shutdown("SIGINT");
    expect(await exit).toBe(0);
    await expect(stat(tokenFile)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("logs once when a given container token file is rewritten with a line break, and once when it is fixed", async () => {
    const h = harness();
    const tokenFile = join(dir, "token");
    await writeFile(tokenFile, "given-token");
    const { exit, origin } = await start(h, ["--container-token-file", tokenFile]);
    const ask = () => fetch(`${origin}/v1/credentials`, { headers: { authorization: "given-token" } });
    await writeFile(tokenFile, "given-token\n");
    expect((await ask()).status).toBe(500);
    expect((await ask()).status).toBe(500);
    await writeFile(tokenFile, "given-token");
    expect((await ask()).status).toBe(200);
    const refused = h.logLines().filter((line) => line.code === "CONTAINER_TOKEN_FILE");
    expect(refused).toEqual([
      expect.objectContaining({ level: "error", msg: "the container token file is refused: container credentials are not served" }),
    ]);
    expect(h.logLines()).toContainEqual(expect.objectContaining({ level: "info", msg: "the container token file is usable again" }));
    expect(h.stderr.join("")).not.toContain("given-token"); // the path, never the token
    h.shutdown();
    expect(await exit).toBe(0);
  });

  it("exits 1 when the port is taken, without writing the container token file", async () => {
    const h = harness();
    const first = await start(h);
    const port = first.origin.split(":").at(-1) ?? "";
    const second = harness();
    const tokenFile = join(dir, "token");
    expect(await runCli(["serve", ...FLAGS, "--port", port, "--container-token-file", tokenFile], second.deps)).toBe(1);
    expect(second.logLines().at(-1)).toMatchObject({ msg: "not serving: cannot listen", code: "SERVE_LISTEN_FAILED" });
    // The token file is what a startup probe waits for: it must not appear unless the server listens.
    await expect(stat(tokenFile)).rejects.toMatchObject({ code: "ENOENT" });
    h.shutdown();
    await first.exit;
  });

  it("exits 1, and stops listening, when the container token file cannot be written", async () => {
    const h = harness();
    const tokenFile = join(dir, "missing-dir", "token");
    expect(await runCli(["serve", ...FLAGS, "--port", "0", "--container-token-file", tokenFile], h.deps)).toBe(1);
    expect(h.logLines().at(-1)).toMatchObject({
      msg: "not serving: the container token file is unusable",
      code: "CONTAINER_TOKEN_FILE",
    });
    expect(h.logLines().some((line) => line.msg === "serving credentials")).toBe(false);
  });

  it("never writes a planted secret (passphrase, secret key, session token) to its log", async () => {
    const h = harness(2 * DAY_MS);
    await writeFile(join(dir, "pass"), PLANTED.passphrase);
    const { exit, origin } = await start(h, ["--private-key-passphrase-file", "pass", "--debug"]);
    await imdsCredentials(origin);
    h.fake.fail(serviceError("SIGNING_FAILED", `could not use key with ${PLANTED.passphrase}`));
    h.clock.advance(59 * 60_000);
    await imdsCredentials(origin);
    h.clock.advance(2 * 60_000);
    const failed = await imdsCredentials(origin);
    expect(failed.status).toBe(500);
    const body = await failed.text();
    expect(body).toContain("[REDACTED]");
    expectNoPlantedSecret(body);
    h.shutdown();
    await exit;
    expect(h.logLines().length).toBeGreaterThan(5);
    expectNoPlantedSecret(h.stderr.join(""));
  });
});
