import { join } from "node:path";
import { type RolesAnywhereWorld, startRolesAnywhereWorld, startSlowSockets, startTokenFlood } from "@workload-identity/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceleratedClockUnavailableReason, createAcceleratedClock } from "./accelerated-clock.js";
import { PACKAGE_DIR, runProcess, type ServeProcess, startServeProcess, worldFlags } from "./cli-support.js";

// `serve` as a process, worn at by other local processes: a few hundred slow sockets and a flood of token PUTs,
// while a well-behaved client (the JS SDK's fromInstanceMetadata) keeps reading credentials. The sidecar, its
// emulator and the client share a clock 10 times as fast as the real one (libfaketime), so `serve`'s seconds-long
// deadlines pass in a few hundred milliseconds. (Faster, the real-time lag of a loaded machine, multiplied by the
// speed, would blur what is measured.)

const unavailable = acceleratedClockUnavailableReason();
const SPEED = 10;
const SLOW_SOCKETS = 200;
const FLOOD_CONCURRENCY = 16;

describe.skipIf(unavailable !== undefined)(`serve under load from other local processes${unavailable === undefined ? "" : ` — ${unavailable}`}`, () => {
  const clock = createAcceleratedClock({ startMs: Date.parse("2026-01-01T00:00:00Z"), speed: SPEED });
  let world: RolesAnywhereWorld;
  let serve: ServeProcess;

  beforeAll(async () => {
    world = await startRolesAnywhereWorld({ roleArn: "arn:aws:iam::111122223333:role/flooded", now: clock.now });
    serve = await startServeProcess(
      // A minute on this clock, six real seconds: time enough on a loaded machine.
      [...worldFlags(world), "--port", "0", "--timeout-ms", "60000"],
      clock.childEnv({ HOME: world.dir }),
    );
  });

  afterAll(async () => {
    await serve?.stop("SIGKILL");
    await world?.close();
  });

  it("answers a well-behaved client every time while 200 slow sockets and a token PUT flood run, closing the slow ones within seconds", async () => {
    // Slow sockets: a request line and one header line every 50 ms (0.5 s on serve's clock), never the end of the
    // headers. Each one closed is opened again, so there are always 200. And the flood: token PUTs as fast as 16
    // keep-alive connections allow.
    const slow = startSlowSockets({ port: serve.port, count: SLOW_SOCKETS, headerIntervalMs: 50 });
    const flood = startTokenFlood({ port: serve.port, concurrency: FLOOD_CONCURRENCY });

    // The well-behaved client, on the same clock as serve: 25 rounds of token, role, credentials, 1 s apart.
    const client = join(PACKAGE_DIR, "test", "fixtures", "imds-client-loop.mjs");
    const { code, stdout, stderr } = await runProcess(
      process.execPath,
      [client],
      clock.childEnv({
        AWS_EC2_METADATA_SERVICE_ENDPOINT: `${serve.origin}/`,
        ITERATIONS: "25",
        PAUSE_MS: "1000",
        TIMEOUT_MS: "10000", // one real second
      }),
    );

    await flood.stop();
    slow.stop();

    expect({ code, stderr }).toEqual({ code: 0, stderr: expect.any(String) as string });
    expect(JSON.parse(stdout)).toEqual({ ok: 25, errors: [] });
    expect(flood.tokensIssued()).toBeGreaterThan(1_000);
    // Slow sockets are closed by serve's header deadline (3 s on its clock, which Node looks for every 0.75 s), not
    // by Node's default 60 s: every one of them, each time.
    expect(slow.closedLifetimesMs.length).toBeGreaterThanOrEqual(SLOW_SOCKETS);
    const seconds = slow.closedLifetimesMs.map((ms) => clock.fakeMs(ms) / 1000).sort((a, b) => a - b);
    expect(seconds[Math.floor(seconds.length / 2)]).toBeLessThan(10);
    expect(seconds.at(-1)).toBeLessThan(30);
  }, 120_000);
});
