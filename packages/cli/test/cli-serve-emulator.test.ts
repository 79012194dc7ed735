import { join } from "node:path";
import { fromRolesAnywhere, inspectCertificate } from "@workload-identity/roles-anywhere";
import { type RolesAnywhereWorld, startRolesAnywhereWorld } from "@workload-identity/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runCli } from "../src/roles-anywhere/run.js";
import { createClock } from "./cli-support.js";
import { createTestCliDeps, type TestCliDeps } from "./test-cli-deps.js";

// Polls, never sleeps; generous, as the machine is shared.
const WAIT = { timeout: 15_000, interval: 10 };

// `serve` in process over the real library and the emulator, all on one fake clock: what happens across refreshes
// (rotation, a failing service, expiry, recovery) without waiting an hour.

const MINUTE_MS = 60_000;

describe("roles-anywhere serve across refreshes (library + emulator, fake clock)", () => {
  const clock = createClock(Date.now());
  let world: RolesAnywhereWorld;
  let emulator: RolesAnywhereWorld["emulator"];
  let deps: TestCliDeps;
  let origin: string;
  let exit: Promise<number>;
  const log = () => deps.logLines();

  const credentials = async () => {
    const token = await (
      await fetch(`${origin}/latest/api/token`, { method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": "21600" } })
    ).text();
    return fetch(`${origin}/latest/meta-data/iam/security-credentials/reader`, { headers: { "x-aws-ec2-metadata-token": token } });
  };
  // The mounted files as cert-manager writes them: tls.crt holds the leaf and its chain.
  const writeLeaf = async (subject: string) => {
    const leaf = await world.pki.issueLeaf({ subject, keyType: "rsa2048" });
    await world.write("bundle.crt", leaf.certificatePem + leaf.chainPem);
    await world.write("bundle.key", leaf.privateKeyPem);
    return leaf;
  };

  beforeAll(async () => {
    world = await startRolesAnywhereWorld({ keyType: "p384", roleArn: "arn:aws:iam::111122223333:role/reader", now: clock.now });
    emulator = world.emulator;
    await writeLeaf("CN=first.workload.test");
    deps = createTestCliDeps({
      cwd: world.dir,
      now: clock.now,
      // The flags as the CLI maps them, plus the fake clock for the library and its refresh.
      createProvider: (request) =>
        fromRolesAnywhere({
          ...(request.signing.certificate === undefined ? {} : { certificate: request.signing.certificate }),
          ...(request.signing.privateKey === undefined ? {} : { privateKey: request.signing.privateKey }),
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
    });
    exit = runCli(
      ["serve", "--certificate", join(world.dir, "bundle.crt"), "--private-key", join(world.dir, "bundle.key"),
        "--trust-anchor-arn", world.trustAnchorArn, "--profile-arn", world.profileArn, "--role-arn", world.roleArn,
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
    deps.shutdown("SIGTERM");
    expect(await exit).toBe(0);
    await world.close();
  });

  it("signs the first CreateSession with the mounted certificate (the chain taken from the certificate file)", () => {
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
