import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestPki, type RolesAnywhereEmulator, startRolesAnywhereEmulator, type TestPki } from "@workload-identity/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { fromRolesAnywhere, inspectCertificate } from "@workload-identity/roles-anywhere";
import { type CliDeps, runCli } from "../src/roles-anywhere/run.js";
import { createClock } from "./cli-support.js";

// Polls, never sleeps; generous, as the machine is shared.
const WAIT = { timeout: 15_000, interval: 10 };

// `serve` in process over the real library and the emulator, all on one fake clock: what happens across refreshes
// (rotation, a failing service, expiry, recovery) without waiting an hour.

const ACCOUNT = "111122223333";
const TRUST_ANCHOR_ARN = `arn:aws:rolesanywhere:eu-west-1:${ACCOUNT}:trust-anchor/ta-1`;
const PROFILE_ARN = `arn:aws:rolesanywhere:eu-west-1:${ACCOUNT}:profile/p-1`;
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/reader`;
const MINUTE_MS = 60_000;

describe("roles-anywhere serve across refreshes (library + emulator, fake clock)", () => {
  const clock = createClock(Date.now());
  let dir: string;
  let pki: TestPki;
  let emulator: RolesAnywhereEmulator;
  let origin: string;
  let shutdown: (signal: string) => void = () => undefined;
  let exit: Promise<number>;
  const stderr: string[] = [];
  const log = () => stderr.join("").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

  const credentials = async () => {
    const token = await (
      await fetch(`${origin}/latest/api/token`, { method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": "21600" } })
    ).text();
    return fetch(`${origin}/latest/meta-data/iam/security-credentials/reader`, { headers: { "x-aws-ec2-metadata-token": token } });
  };
  const writeLeaf = async (subject: string) => {
    const leaf = await pki.issueLeaf({ subject, keyType: "rsa2048" });
    await writeFile(join(dir, "tls.crt"), leaf.certificatePem + leaf.chainPem);
    await writeFile(join(dir, "tls.key"), leaf.privateKeyPem, { mode: 0o600 });
    return leaf;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "ra-serve-emulator-"));
    pki = await createTestPki({ keyType: "p384" });
    await writeLeaf("CN=first.workload.test");
    emulator = await startRolesAnywhereEmulator({
      trustAnchors: [{ arn: TRUST_ANCHOR_ARN, caCertificatePem: pki.rootCertificatePem }],
      profiles: [{ arn: PROFILE_ARN, roleArns: [ROLE_ARN] }],
      now: clock.now,
    });
    const deps: CliDeps = {
      // The flags as the CLI maps them, plus the fake clock for the library and its refresh.
      createProvider: (request) =>
        fromRolesAnywhere({
          certificate: request.signing.certificate ?? "",
          privateKey: request.signing.privateKey,
          trustAnchorArn: request.signing.trustAnchorArn,
          profileArn: request.signing.profileArn,
          roleArn: request.signing.roleArn,
          ...(request.signing.sessionDurationSeconds === undefined ? {} : { durationSeconds: request.signing.sessionDurationSeconds }),
          ...(request.signing.endpoint === undefined ? {} : { endpoint: request.signing.endpoint }),
          refresh: { ...request.refresh, jitter: false, now: clock.now, random: () => 0 },
          logger: request.logger,
          now: () => new Date(clock.now()),
        }),
      inspectCertificate: (certificate) => inspectCertificate({ certificate }),
      stdout: () => undefined,
      stderr: (text) => stderr.push(text),
      env: {},
      cwd: dir,
      homedir: dir,
      now: clock.now,
      waitForShutdown: () => new Promise((resolve) => (shutdown = resolve)),
      version: "test",
    };
    exit = runCli(
      ["serve", "--certificate", join(dir, "tls.crt"), "--private-key", join(dir, "tls.key"),
        "--trust-anchor-arn", TRUST_ANCHOR_ARN, "--profile-arn", PROFILE_ARN, "--role-arn", ROLE_ARN,
        "--endpoint", emulator.endpoint, "--port", "0"],
      deps,
    );
    await vi.waitFor(() => {
      const serving = log().find((line) => line.msg === "serving credentials");
      if (serving === undefined) throw new Error("not serving yet");
      origin = `http://127.0.0.1:${String(serving.port)}`;
    }, WAIT);
  });

  afterAll(async () => {
    shutdown("SIGTERM");
    expect(await exit).toBe(0);
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("signs the first CreateSession with the mounted certificate (the chain taken from tls.crt)", () => {
    expect(emulator.callCount).toBe(1);
    expect(emulator.calls[0]).toMatchObject({ status: 201, chainLength: 1 });
  });

  it("picks up a rotated certificate at the next refresh", async () => {
    const rotated = await writeLeaf("CN=rotated.workload.test");
    clock.advance(50 * MINUTE_MS); // inside the one-hour session's advisory window
    expect((await credentials()).status).toBe(200);
    await vi.waitFor(() => expect(emulator.callCount).toBe(2), WAIT);
    expect(emulator.calls[1]).toMatchObject({ status: 201, serialNumber: rotated.serialNumberDecimal });
    const body = (await (await credentials()).json()) as { AccessKeyId: string };
    expect(body.AccessKeyId).toBe(emulator.credentialsIssued()[1]?.accessKeyId);
  });

  it("keeps serving the last good credentials while CreateSession fails, then answers 500, then recovers", async () => {
    const lastGood = emulator.credentialsIssued()[1]?.accessKeyId;
    emulator.injectFault({ kind: "http-500" }, 1_000);
    clock.advance(40 * MINUTE_MS); // 20 minutes left of the second session: inside serve's mandatory window
    const stale = await credentials();
    expect(stale.status).toBe(200);
    expect(((await stale.json()) as { AccessKeyId: string }).AccessKeyId).toBe(lastGood);
    expect(log()).toContainEqual(expect.objectContaining({ level: "error", msg: "refresh failed", reason: "mandatory" }));

    clock.advance(10 * MINUTE_MS); // too close to the expiration for IMDS clients
    expect(await (await credentials()).json()).toMatchObject({ Code: "CREDENTIALS_EXPIRING" });

    clock.advance(11 * MINUTE_MS); // past its expiration
    const none = await credentials();
    expect(none.status).toBe(500);
    const body = (await none.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ Code: "CREDENTIALS_EXPIRED" });
    expect(body).not.toHaveProperty("AccessKeyId");

    emulator.clearFaults();
    clock.advance(MINUTE_MS); // past the retry backoff
    const recovered = await credentials();
    expect(recovered.status).toBe(200);
    expect(((await recovered.json()) as { AccessKeyId: string }).AccessKeyId).toBe(emulator.credentialsIssued().at(-1)?.accessKeyId);
  });
});
