import { join } from "node:path";
import { type RolesAnywhereWorld, startRolesAnywhereWorld } from "@workload-identity/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceleratedClockUnavailableReason, createAcceleratedClock } from "./accelerated-clock.js";
import { findBotocorePython, PACKAGE_DIR, runProcess, type ServeProcess, startServeProcess, worldFlags } from "./cli-support.js";

// botocore reads `serve`'s IMDS route for two one-hour sessions, on a clock 120 times as fast as the real one
// (libfaketime for serve and botocore, the same clock injected into the emulator): about a minute of real time.
// botocore's IMDS fetcher extends the expiry of credentials that have less than 12 to 20 minutes left and then keeps
// using them for up to 5 minutes, past their real expiry if they had less than that. What serve hands out over IMDS
// must never fall into that window.

const python = findBotocorePython();
const unavailable =
  acceleratedClockUnavailableReason() ??
  (python === undefined ? "SKIPPED: no python3 with botocore (install python3-botocore or set BOTOCORE_PYTHON)" : undefined);
const SPEED = 120;
const HOUR_S = 3600;

interface LoopResult {
  method: string | null;
  samples: { at: string; accessKey: string }[];
  errors: string[];
  extensions: string[];
}

describe.skipIf(unavailable !== undefined)(`serve's IMDS route read by botocore over two sessions${unavailable === undefined ? ` (botocore ${python?.version ?? ""})` : ` — ${unavailable}`}`, () => {
  const clock = createAcceleratedClock({ startMs: Date.parse("2026-01-01T00:00:00Z"), speed: SPEED });
  let world: RolesAnywhereWorld;
  let serve: ServeProcess;

  beforeAll(async () => {
    world = await startRolesAnywhereWorld({ roleArn: "arn:aws:iam::111122223333:role/clocked", now: clock.now });
    serve = await startServeProcess(
      [...worldFlags(world), "--port", "0", "--session-duration", String(HOUR_S),
        // Ten minutes on this clock, five real seconds: a CreateSession that loads its HTTP client first (undici,
        // on a first call) must not run out of time the way a real one never would.
        "--timeout-ms", String(10 * 60_000)],
      clock.childEnv({ HOME: world.dir }),
    );
  });

  afterAll(async () => {
    await serve?.stop("SIGKILL");
    await world?.close();
  });

  it("never makes botocore extend an expiry, so it never signs with an expired key", async () => {
    const script = join(PACKAGE_DIR, "test", "fixtures", "botocore-imds-loop.py");
    const { code, stdout, stderr } = await runProcess(
      (python as NonNullable<typeof python>).executable,
      [script],
      clock.childEnv({
        HOME: world.dir,
        AWS_CONFIG_FILE: join(world.dir, "no-config"),
        AWS_SHARED_CREDENTIALS_FILE: join(world.dir, "no-credentials"),
        AWS_EC2_METADATA_SERVICE_ENDPOINT: `${serve.origin}/`,
        // Seconds on the fast clock: one real second per attempt.
        AWS_METADATA_SERVICE_TIMEOUT: String(SPEED),
        AWS_METADATA_SERVICE_NUM_ATTEMPTS: "3",
        LOOP_SECONDS: String(2 * HOUR_S + 600),
        PAUSE_SECONDS: "20",
      }),
    );
    expect({ code, stderr: stderr.slice(-2000) }).toMatchObject({ code: 0 });
    const result = JSON.parse(stdout) as LoopResult;

    expect(result.method).toBe("iam-role");
    const expiries = new Map(world.emulator.credentialsIssued().map((issued) => [issued.accessKeyId, issued.expiration.getTime()]));
    const signedExpired = result.samples
      .filter((sample) => Date.parse(sample.at) >= (expiries.get(sample.accessKey) ?? 0))
      .map((sample) => ({ ...sample, expiredAt: new Date(expiries.get(sample.accessKey) ?? 0).toISOString() }));
    expect({ errors: result.errors, extensions: result.extensions, signedExpired }).toEqual({
      errors: [],
      extensions: [],
      signedExpired: [],
    });
    // Two sessions' worth: at least two rotations seen, and samples across the whole span.
    expect(new Set(result.samples.map((sample) => sample.accessKey)).size).toBeGreaterThanOrEqual(3);
    expect(result.samples.length).toBeGreaterThan(300);
  }, 240_000);
});
