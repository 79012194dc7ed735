// A fleet through an STS brownout, on one virtual clock: withRefresh (defaults) against the SDK's memoize.
// Parameters (environment, all optional): FLEET_PODS (1000), FLEET_ROLLOUT_S (60), FLEET_CALL_INTERVAL_S (5),
// FLEET_LIFETIME_MIN (60), FLEET_OUTAGE_MIN (10), FLEET_OUTAGE_KINDS ("errors,hangs"), FLEET_OUTAGE_STARTS_MIN
// (a comma list; default every 5 minutes across one lifetime after a warm-up of two), FLEET_SVG (docs/fleet.svg).
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sdkMemoizeContender, withRefreshContender } from "./lib/fleet/contenders.js";
import {
  type Contender,
  type FleetParams,
  type FleetResult,
  type Outage,
  peakPerSecond,
  simulateFleet,
} from "@workload-identity/testing";
import { stsRateChart } from "./lib/fleet/svg.js";

const MINUTE_MS = 60_000;
/** The first minutes hold every pod's first fetch, the same for both caches; peaks are read after them. */
const STEADY_FROM_MS = 5 * MINUTE_MS;

const number = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new TypeError(`${name} must be a positive number; got ${raw}.`);
  return value;
};

interface Scenario {
  readonly outage: Outage | undefined;
  readonly ours: FleetResult;
  readonly sdk: FleetResult;
}

/** The runs' parameters, from the environment. */
function setup(): { base: FleetParams & { durationMs: number }; kinds: Outage["kind"][]; starts: number[]; outageMs: number } {
  const lifetimeMs = number("FLEET_LIFETIME_MIN", 60) * MINUTE_MS;
  const outageMs = number("FLEET_OUTAGE_MIN", 10) * MINUTE_MS;
  const warmUpMs = 2 * lifetimeMs;
  const starts = (process.env.FLEET_OUTAGE_STARTS_MIN ?? "")
    .split(",")
    .filter((s) => s.trim() !== "")
    .map((s) => Number(s) * MINUTE_MS);
  if (starts.length === 0) for (let at = 0; at < lifetimeMs; at += 5 * MINUTE_MS) starts.push(warmUpMs + at);
  const kinds = (process.env.FLEET_OUTAGE_KINDS ?? "errors,hangs").split(",") as Outage["kind"][];
  const base = {
    pods: number("FLEET_PODS", 1_000),
    rolloutMs: number("FLEET_ROLLOUT_S", 60) * 1_000,
    callIntervalMs: number("FLEET_CALL_INTERVAL_S", 5) * 1_000,
    lifetimeMs,
    // Long enough for every credential fetched before the last outage to expire after it.
    durationMs: Math.max(...starts) + outageMs + lifetimeMs + 5 * MINUTE_MS,
  } satisfies FleetParams;
  return { base, kinds, starts, outageMs };
}

export async function run(): Promise<void> {
  const { base, kinds, starts, outageMs } = setup();
  const started = performance.now();
  console.log(
    `${base.pods} pods rolled out within ${base.rolloutMs / 1_000} s, each calling its provider every ` +
      `${base.callIntervalMs / 1_000} s; ${base.lifetimeMs / MINUTE_MS}-minute credentials; STS latency 20-200 ms; ` +
      `${base.durationMs / MINUTE_MS} simulated minutes per run; outages of ${outageMs / MINUTE_MS} minutes (${kinds.join(", ")}) ` +
      `starting at minute ${starts.map((s) => s / MINUTE_MS).join(", ")}.`,
  );

  const checks: [string, boolean][] = [["simulator shortcuts change nothing (100 pods, with and without)", await shortcutsAgree(base)]];

  const both = async (outage: Outage | undefined): Promise<Scenario> => ({
    outage,
    ours: await simulateFleet({ ...base, outage }, withRefreshContender),
    sdk: await simulateFleet({ ...base, outage }, sdkMemoizeContender),
  });
  const steady = await both(undefined);
  const scenarios: Scenario[] = [];
  for (const kind of kinds) {
    for (const startMs of starts) scenarios.push(await both({ kind, startMs, durationMs: outageMs }));
  }

  printTable([steady, ...scenarios]);
  checks.push(...outcomeChecks(steady, scenarios, outageMs));
  console.log();
  for (const [name, ok] of checks) console.log(`${ok ? "PASS" : "FAIL"} ${name}`);

  const worst = scenarios.reduce((a, b) => (b.sdk.errors > a.sdk.errors ? b : a), scenarios[0] ?? steady);
  const hung = scenarios.find((s) => s.outage?.kind === "hangs" && s.outage.startMs === worst.outage?.startMs);
  const svgPath = process.env.FLEET_SVG ?? fileURLToPath(new URL("../docs/fleet.svg", import.meta.url));
  writeFileSync(svgPath, chart([steady, worst, ...(hung === undefined ? [] : [hung])], base.pods));
  console.log(`\nWrote ${svgPath}; ${((performance.now() - started) / 1_000).toFixed(1)} s.`);
  if (checks.some(([, ok]) => !ok)) process.exitCode = 1;
}

function printTable(scenarios: readonly Scenario[]): void {
  console.log("\n| outage | cache | STS calls | peak STS calls/s | STS calls in outage | per asking pod, per outage minute: mean / max | caller errors | expired served | calls stuck | longest wait |");
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const scenario of scenarios) {
    const label = scenario.outage === undefined ? "none" : `${scenario.outage.kind} at min ${scenario.outage.startMs / MINUTE_MS}`;
    for (const [name, result] of [["withRefresh", scenario.ours], ["SDK memoize", scenario.sdk]] as const) {
      console.log(`| ${label} | ${name} | ${row(result, scenario.outage)} |`);
    }
  }
}

/** What withRefresh must show across the outages and in the steady state. */
function outcomeChecks(steady: Scenario, scenarios: readonly Scenario[], outageMs: number): [string, boolean][] {
  const outageScenarios = scenarios.filter((s) => s.outage !== undefined);
  const ourRates = outageScenarios.map((s) => askRate(s.ours, outageMs));
  const ourPeak = peakPerSecond(steady.ours.sts, STEADY_FROM_MS);
  const sdkPeak = peakPerSecond(steady.sdk.sts, STEADY_FROM_MS);
  const sum = (pick: (r: FleetResult) => number) => outageScenarios.reduce((n, s) => n + pick(s.ours), 0);
  return [
    [`withRefresh: zero caller-visible errors in every outage scenario (${sum((r) => r.errors)})`, sum((r) => r.errors) === 0],
    [`withRefresh: no expired credentials served (${sum((r) => r.expiredServed)})`, sum((r) => r.expiredServed) === 0],
    [`withRefresh: no call left waiting (${sum((r) => r.stuck)}), none waits 30 s or more`, sum((r) => r.stuck) === 0 && outageScenarios.every((s) => s.ours.maxWaitMs < 30_000)],
    [
      `withRefresh: each asking pod calls STS about once a minute during the outage (mean ${fmt(Math.max(...ourRates.map((r) => r.mean)))}/min at worst, target ≤ 1.2; busiest pod ${fmt(Math.max(...ourRates.map((r) => r.max)))}/min)`,
      ourRates.every((r) => r.mean <= 1.2),
    ],
    [`withRefresh: steady-state peak ${ourPeak}/s ≤ a third of the SDK's ${sdkPeak}/s`, ourPeak * 3 <= sdkPeak],
  ];
}

function row(result: FleetResult, outage: Outage | undefined): string {
  const rate = outage === undefined ? undefined : askRate(result, outage.durationMs);
  return [
    count(result.sts.total),
    peakPerSecond(result.sts, STEADY_FROM_MS),
    outage === undefined ? "–" : count(result.sts.duringOutage),
    rate === undefined ? "–" : `${fmt(rate.mean)} / ${fmt(rate.max)}`,
    count(result.errors),
    count(result.expiredServed),
    count(result.stuck),
    `${(result.maxWaitMs / 1_000).toFixed(1)} s`,
  ].join(" | ");
}

/** STS calls per minute of outage, over the pods that called STS during it. */
function askRate(result: FleetResult, outageMs: number): { mean: number; max: number } {
  const asking = [...result.sts.duringOutageByPod].filter((n) => n > 0);
  const minutes = outageMs / MINUTE_MS;
  if (asking.length === 0) return { mean: 0, max: 0 };
  return { mean: asking.reduce((a, b) => a + b, 0) / asking.length / minutes, max: Math.max(...asking) / minutes };
}

const fmt = (value: number) => value.toFixed(1);
const count = (value: number) => value.toLocaleString("en-US");

/** Runs a small fleet with and without the contenders' shortcuts; every figure must be the same. */
async function shortcutsAgree(base: FleetParams): Promise<boolean> {
  const small = { ...base, pods: 100, durationMs: 3 * base.lifetimeMs };
  const outages: (Outage | undefined)[] = [
    undefined,
    { kind: "errors", startMs: 2 * base.lifetimeMs - 8 * MINUTE_MS, durationMs: 10 * MINUTE_MS },
    { kind: "hangs", startMs: 2 * base.lifetimeMs - 8 * MINUTE_MS, durationMs: 10 * MINUTE_MS },
  ];
  for (const contender of [withRefreshContender, sdkMemoizeContender] satisfies Contender[]) {
    for (const outage of outages) {
      const fast = await simulateFleet({ ...small, outage }, contender);
      const exact = await simulateFleet({ ...small, outage, shortcut: false }, contender);
      if (JSON.stringify(summary(fast)) !== JSON.stringify(summary(exact))) return false;
    }
  }
  return true;
}

function summary(result: FleetResult): unknown {
  const { sts, ...callers } = result;
  return { ...callers, total: sts.total, duringOutage: sts.duringOutage, perSecond: [...sts.perSecond], byPod: [...sts.duringOutageByPod] };
}

function chart(scenarios: readonly Scenario[], pods: number): string {
  return stsRateChart(
    scenarios.map((scenario) => {
      const { outage } = scenario;
      return {
        title:
          outage === undefined
            ? "No outage"
            : `STS ${outage.kind === "errors" ? "fails every call" : "never answers"} for ${outage.durationMs / MINUTE_MS} minutes from minute ${outage.startMs / MINUTE_MS}`,
        series: [
          { label: `withRefresh: ${count(scenario.ours.errors)} errors, ${count(scenario.ours.stuck)} stuck`, color: "#1f77b4", perSecond: scenario.ours.sts.perSecond },
          {
            label: `SDK memoize: ${count(scenario.sdk.errors)} errors, ${count(scenario.sdk.stuck)} stuck`,
            color: "#ff7f0e",
            perSecond: scenario.sdk.sts.perSecond,
          },
        ],
        shade: outage === undefined ? undefined : { fromS: outage.startMs / 1_000, toS: (outage.startMs + outage.durationMs) / 1_000, label: "outage" },
      };
    }),
    `STS calls per second of a fleet of ${pods} pods: withRefresh (defaults) vs the SDK's memoize (pnpm bench fleet)`,
  );
}
