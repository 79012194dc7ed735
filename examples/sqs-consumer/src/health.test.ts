import { describe, expect, it } from "vitest";
import { captureLogs } from "../test/support/logs.js";
import { Health, classify } from "./health.js";

function setup(overrides: { loops?: number } = {}) {
  let now = 1_000_000;
  const logs = captureLogs();
  const health = new Health({
    waitTimeSeconds: 20,
    loops: overrides.loops ?? 1,
    logger: logs.logger,
    graceMs: 30_000,
    now: () => now,
  });
  return { health, logs, advance: (ms: number) => (now += ms) };
}

const network = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
const throttled = Object.assign(new Error("slow down"), { name: "RequestThrottled" });
const credentials = Object.assign(new Error("STS said no"), { name: "WebIdentityError", code: "STS_ACCESS_DENIED", tryNextLink: false });

describe(Health.name, () => {
  it("is unready until the queue answered once, then ready", () => {
    const { health } = setup();
    expect(health.readiness()).toEqual({ ok: false, reasons: ["queue not reached yet"] });
    health.recordSuccess();
    expect(health.readiness()).toEqual({ ok: true, reasons: [] });
  });

  it("turns unready on a failure, says why, and ready again on the next success", () => {
    const { health } = setup();
    health.recordSuccess();
    health.recordFailure(network);
    health.recordFailure(network);
    expect(health.readiness()).toEqual({ ok: false, reasons: ["queue failing (ECONNREFUSED, 2 attempts)"] });
    health.recordSuccess();
    expect(health.readiness().ok).toBe(true);
  });

  it("tells credential failures from queue failures", () => {
    const { health } = setup();
    health.recordFailure(credentials);
    expect(health.readiness().reasons).toEqual(["credentials failing (STS_ACCESS_DENIED, 1 attempts)"]);
  });

  it("logs once per state change, not once per failed attempt", () => {
    const { health, logs } = setup();
    health.recordSuccess();
    for (let i = 0; i < 5; i++) health.recordFailure(network);
    health.recordFailure(throttled);
    health.recordFailure(throttled);
    health.recordSuccess();
    health.recordSuccess();
    expect(logs.lines.map((l) => [l.level, l.msg, (l.error as { code?: string } | undefined)?.code])).toEqual([
      ["info", "queue reachable", undefined],
      ["warn", "cannot reach the queue; retrying", "ECONNREFUSED"],
      ["warn", "cannot reach the queue; retrying", "RequestThrottled"],
      ["info", "queue reachable again", undefined],
    ]);
  });

  it("is unready while shutting down", () => {
    const { health } = setup();
    health.recordSuccess();
    health.markStopping();
    expect(health.readiness()).toEqual({ ok: false, reasons: ["shutting down"] });
  });

  it("reports a loop stuck in a receive longer than the long-poll wait plus the grace", () => {
    const { health, advance } = setup({ loops: 2 });
    health.enter(0, "receiving");
    health.enter(1, "processing");
    advance(20_000 + 30_000);
    expect(health.liveness().ok).toBe(true);
    advance(1);
    expect(health.liveness()).toEqual({
      ok: false,
      reasons: ["loop 0 receiving for 50001 ms (limit 50000 ms)"],
    });
    health.enter(0, "idle");
    expect(health.liveness().ok).toBe(true);
  });

  it("lets handlers run as long as they need (sqs-consumer's heartbeat keeps their messages)", () => {
    const { health, advance } = setup();
    health.enter(0, "processing");
    advance(3_600_000);
    expect(health.liveness().ok).toBe(true);
  });
});

describe(classify.name, () => {
  it("unwraps sqs-consumer's SQSError to the SDK error it wraps", () => {
    const wrapped = Object.assign(new Error("SQS receive message failed: nope"), { name: "SQSError", cause: network });
    expect(classify(wrapped)).toEqual({ kind: "queue", code: "ECONNREFUSED", message: network.message });
  });

  it("uses the error name when there is no code", () => {
    expect(classify(throttled)).toMatchObject({ kind: "queue", code: "RequestThrottled" });
  });
});
