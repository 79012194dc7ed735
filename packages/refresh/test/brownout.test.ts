// A fleet of pods, each with its own withRefresh (defaults) over one simulated STS, all on one virtual clock, through
// a 10-minute STS outage: the behaviour the windows, the backoff cap and the deadline exist for. The simulator is
// the one `pnpm bench fleet` runs (@workload-identity/testing's fleet), with fewer pods.
import { describe, expect, it } from "vitest";
import { type Contender, type FleetParams, type Outage, simulateFleet } from "@workload-identity/testing";
import { type RefreshOptions, withRefresh } from "../src/index.js";

const MINUTE = 60_000;
const OUTAGE = 10 * MINUTE;

function contender(options: RefreshOptions = {}): Contender {
  return {
    name: "withRefresh",
    create: (source, { clock, random }) =>
      withRefresh(source, { ...options, now: clock.now, setTimer: clock.setTimer, random }),
  };
}

function fleet(outage: Outage): FleetParams {
  return {
    pods: 50,
    rolloutMs: MINUTE,
    callIntervalMs: 5_000,
    lifetimeMs: 60 * MINUTE,
    durationMs: outage.startMs + outage.durationMs + 65 * MINUTE,
    outage,
    seed: 11,
  };
}

// After a warm-up of two lifetimes, across one more: pods are at every point of their credentials' life.
const starts = [120, 127.5, 135, 142.5, 150, 157.5, 165, 172.5];

describe(`${withRefresh.name} through an STS brownout (50 pods, one-hour credentials, defaults)`, () => {
  describe.each(["errors", "hangs"] as const)("STS %s for 10 minutes", (kind) => {
    it.each(starts)("from minute %d: no caller error, no expired credentials, nobody waits on STS", async (start) => {
      const result = await simulateFleet(fleet({ kind, startMs: start * MINUTE, durationMs: OUTAGE }), contender());

      expect(result.sts.duringOutage).toBeGreaterThan(0); // the outage did hit pods that were refreshing
      expect(result).toMatchObject({ errors: 0, expiredServed: 0, stuck: 0 });
      expect(result.maxWaitMs).toBeLessThan(1_000); // only first fetches wait, for one STS answer
      const asking = [...result.sts.duringOutageByPod].filter((calls) => calls > 0);
      const meanPerMinute = asking.reduce((a, b) => a + b, 0) / asking.length / (OUTAGE / MINUTE);
      expect(meanPerMinute).toBeLessThanOrEqual(1.2);
      expect(Math.max(...asking)).toBeLessThanOrEqual(2 * (OUTAGE / MINUTE));
    });
  });

  it("would see the outage with too little reserve: a 2-minute advisory window gives errors", async () => {
    const outcomes = await Promise.all(
      starts.map((start) =>
        simulateFleet(
          fleet({ kind: "errors", startMs: start * MINUTE, durationMs: OUTAGE }),
          contender({ refreshBeforeMs: 2 * MINUTE }),
        ),
      ),
    );
    expect(outcomes.reduce((sum, result) => sum + result.errors, 0)).toBeGreaterThan(0);
  });
});
