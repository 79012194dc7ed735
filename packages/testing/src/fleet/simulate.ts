// The fleet simulation: N pods, each with its own credential cache over one simulated STS, calling it at a fixed
// rate, all on one virtual clock. A discrete-event loop: pod calls in time order, interleaved with the clock's timers
// (STS answers, refresh deadlines); nothing sleeps.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { seededRandom } from "./random.js";
import { type Outage, SimulatedSts, type StsCounts } from "./sts.js";
import { VirtualClock } from "./virtual-clock.js";

/** A credential cache under test. */
export interface Contender {
  readonly name: string;
  /** Wraps one pod's uncached STS source in the cache, on the run's clock, with the pod's own random source. */
  readonly create: (
    source: AwsCredentialIdentityProvider,
    env: { readonly clock: VirtualClock; readonly random: () => number },
  ) => AwsCredentialIdentityProvider;
  /**
   * A shortcut that changes the run time, never the result: before the instant returned, a pod whose last call
   * returned `credentials`, with no call pending, is known to get them again from its next call with no other effect,
   * so that call is counted without being made. Leave it out to make every call.
   */
  readonly quietUntil?: (credentials: AwsCredentialIdentity) => number;
  /**
   * A shortcut like `quietUntil`: true when a call made while an earlier call of the same pod is unsettled joins it
   * (single flight) and settles with it, the same way and at the same time. Such calls are counted, not made; a pod
   * stuck on a call that never settles then costs nothing per call.
   */
  readonly joinsPendingCall?: boolean;
}

export interface FleetParams {
  readonly pods: number;
  /** Pods start uniformly at random within this span from the start of the run. */
  readonly rolloutMs: number;
  /** Each pod asks its cache for credentials this often. */
  readonly callIntervalMs: number;
  /** Lifetime of the credentials STS issues. */
  readonly lifetimeMs: number;
  readonly durationMs: number;
  readonly outage?: Outage | undefined;
  /** Latency of an STS answer, uniform between the bounds. */
  readonly stsLatencyMs?: readonly [number, number];
  readonly seed?: number;
  /** Use the contender's `quietUntil` shortcut (default true). */
  readonly shortcut?: boolean;
}

/** What the fleet's callers saw, and what it cost STS. */
export interface FleetResult {
  readonly sts: StsCounts;
  readonly calls: number;
  /** Calls that rejected. */
  readonly errors: number;
  /** Calls that resolved with credentials whose expiration had passed when they resolved. */
  readonly expiredServed: number;
  /** Calls still unsettled when the run ended. */
  readonly stuck: number;
  /** The longest a settled call waited, in milliseconds. */
  readonly maxWaitMs: number;
}

/** Simulated time starts here; any fixed instant would do. */
const EPOCH = Date.parse("2026-01-01T00:00:00Z");

interface Pod {
  readonly provider: AwsCredentialIdentityProvider;
  readonly startMs: number;
  readonly phaseMs: number;
  /** The promise and credentials of the last resolved call: the same promise again means the same credentials. */
  knownPromise: Promise<AwsCredentialIdentity> | undefined;
  knownCredentials: AwsCredentialIdentity | undefined;
  quietUntil: number;
  unsettled: number;
  /** Calls counted as joining the unsettled one (the `joinsPendingCall` shortcut). */
  joined: number;
}

/** Runs one fleet scenario for one contender. Deterministic for a given seed. */
export async function simulateFleet(params: FleetParams, contender: Contender): Promise<FleetResult> {
  const seed = params.seed ?? 1;
  const clock = new VirtualClock(EPOCH);
  const sts = new SimulatedSts({
    clock,
    pods: params.pods,
    lifetimeMs: params.lifetimeMs,
    durationMs: params.durationMs,
    latencyMs: params.stsLatencyMs ?? [20, 200],
    random: seededRandom(seed ^ 0x5f3759df),
    outage: params.outage,
  });
  const pods = createPods(params, contender, sts, clock, seed);
  const run = new FleetRun(clock, {
    quietUntil: params.shortcut === false ? undefined : contender.quietUntil,
    joins: params.shortcut !== false && contender.joinsPendingCall === true,
  });
  await run.callUntil(EPOCH + params.durationMs, params.callIntervalMs, pods);
  return { sts: sts.counts(), ...run.result(pods) };
}

function createPods(params: FleetParams, contender: Contender, sts: SimulatedSts, clock: VirtualClock, seed: number): Pod[] {
  const placement = seededRandom(seed);
  const pods: Pod[] = [];
  for (let i = 0; i < params.pods; i += 1) {
    const startMs = Math.floor(placement() * params.rolloutMs);
    pods.push({
      provider: contender.create(sts.sourceFor(i), { clock, random: seededRandom(seed * 7_919 + i) }),
      startMs,
      phaseMs: startMs % params.callIntervalMs,
      knownPromise: undefined,
      knownCredentials: undefined,
      quietUntil: Number.NEGATIVE_INFINITY,
      unsettled: 0,
      joined: 0,
    });
  }
  return pods;
}

/** The contender's shortcuts, where the run uses them. */
interface Shortcuts {
  readonly quietUntil: ((credentials: AwsCredentialIdentity) => number) | undefined;
  readonly joins: boolean;
}

/** One run's event loop and its counts. */
class FleetRun {
  #calls = 0;
  #errors = 0;
  #expiredServed = 0;
  #maxWaitMs = 0;
  /** Calls were made whose callbacks may not have run yet. */
  #dirty = false;

  readonly #clock: VirtualClock;
  readonly #shortcuts: Shortcuts;

  constructor(clock: VirtualClock, shortcuts: Shortcuts) {
    this.#clock = clock;
    this.#shortcuts = shortcuts;
  }

  /** Every pod calls every `callIntervalMs` from its start until `end`, with the clock's timers in between. */
  async callUntil(end: number, callIntervalMs: number, pods: readonly Pod[]): Promise<void> {
    // Each period the pods call in the order of their phase, so the calls come in time order without a queue.
    const order = [...pods].sort((a, b) => a.phaseMs - b.phaseMs);
    for (let period = EPOCH; period < end; period += callIntervalMs) {
      for (const pod of order) {
        const at = period + pod.phaseMs;
        if (at - EPOCH < pod.startMs) continue;
        if (at >= end) break;
        if (this.#clock.nextTimerAt() <= at) await this.#fireTimersUntil(at);
        this.#clock.set(at);
        this.#call(pod, at);
      }
    }
    await this.#fireTimersUntil(end);
    await drain();
  }

  result(pods: readonly Pod[]): Omit<FleetResult, "sts"> {
    let stuck = 0;
    for (const pod of pods) stuck += pod.unsettled + pod.joined;
    return { calls: this.#calls, errors: this.#errors, expiredServed: this.#expiredServed, stuck, maxWaitMs: this.#maxWaitMs };
  }

  #served(pod: Pod, credentials: AwsCredentialIdentity, calledAt: number, settledAt: number): void {
    this.#maxWaitMs = Math.max(this.#maxWaitMs, settledAt - calledAt);
    const expiresAt = credentials.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
    if (expiresAt <= settledAt) this.#expiredServed += 1;
    const { quietUntil } = this.#shortcuts;
    if (quietUntil !== undefined && pod.knownCredentials !== credentials) pod.quietUntil = quietUntil(credentials);
    pod.knownCredentials = credentials;
  }

  // Timers fire in order; before one fires, the callbacks of earlier calls run (they settled at their call time),
  // and after it, the ones it released (they settled at its time).
  async #fireTimersUntil(time: number): Promise<void> {
    while (this.#clock.nextTimerAt() <= time) {
      if (this.#dirty) await drain();
      this.#clock.fireNext();
      await drain();
      this.#dirty = false;
    }
  }

  #call(pod: Pod, at: number): void {
    this.#calls += 1;
    if (this.#shortcuts.quietUntil !== undefined && pod.unsettled === 0 && at < pod.quietUntil && pod.knownCredentials !== undefined) {
      this.#served(pod, pod.knownCredentials, at, at);
      return;
    }
    if (this.#shortcuts.joins && pod.unsettled > 0) {
      pod.joined += 1; // they wait less than the call they joined, so the longest wait is that call's
      return;
    }
    const promise = pod.provider();
    if (promise === pod.knownPromise && pod.knownCredentials !== undefined) {
      this.#served(pod, pod.knownCredentials, at, at);
      return;
    }
    this.#dirty = true;
    pod.unsettled += 1;
    this.#settle(pod, promise, at);
  }

  /** Counts the call when it settles, at the time it settled. */
  #settle(pod: Pod, promise: Promise<AwsCredentialIdentity>, at: number): void {
    const firedAtCall = this.#clock.fired;
    const settledAt = () => (this.#clock.fired === firedAtCall ? at : this.#clock.now());
    promise.then(
      (credentials) => {
        pod.unsettled -= 1;
        const when = settledAt();
        for (; pod.joined > 0; pod.joined -= 1) this.#served(pod, credentials, when, when);
        this.#served(pod, credentials, at, when);
        pod.knownPromise = promise;
      },
      () => {
        pod.unsettled -= 1;
        this.#errors += 1 + pod.joined;
        pod.joined = 0;
        this.#maxWaitMs = Math.max(this.#maxWaitMs, settledAt() - at);
      },
    );
  }
}

/** Runs every pending promise callback: a macrotask turn comes only after the microtask queue is empty. */
function drain(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The most STS calls in one second within [fromMs, toMs) of the run. */
export function peakPerSecond(counts: StsCounts, fromMs = 0, toMs = Number.POSITIVE_INFINITY): number {
  let peak = 0;
  const last = Math.min(counts.perSecond.length, Math.ceil(toMs / 1_000));
  for (let s = Math.floor(fromMs / 1_000); s < last; s += 1) peak = Math.max(peak, counts.perSecond[s] ?? 0);
  return peak;
}
