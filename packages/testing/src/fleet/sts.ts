// The STS of the fleet simulation: answers after a short latency with credentials of a fixed lifetime, except
// during an outage, when every call fails or never answers. It counts what the fleet asked of it.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import type { VirtualClock } from "./virtual-clock.js";

/** A window in which STS fails every call (`errors`) or accepts it and never answers (`hangs`). */
export interface Outage {
  readonly kind: "errors" | "hangs";
  readonly startMs: number;
  readonly durationMs: number;
}

export interface SimulatedStsOptions {
  readonly clock: VirtualClock;
  readonly pods: number;
  readonly lifetimeMs: number;
  /** Simulated time the run lasts, for the per-second counts. */
  readonly durationMs: number;
  /** Latency of an answer: uniform between these bounds. */
  readonly latencyMs: readonly [number, number];
  readonly random: () => number;
  readonly outage?: Outage | undefined;
}

/** What the fleet asked of STS. */
export interface StsCounts {
  readonly total: number;
  /** Index: the second of simulated time, from the start of the run. */
  readonly perSecond: Uint32Array;
  readonly duringOutage: number;
  /** Index: the pod. */
  readonly duringOutageByPod: Uint32Array;
}

export class SimulatedSts {
  readonly #options: SimulatedStsOptions;
  readonly #start: number;
  #total = 0;
  #duringOutage = 0;
  readonly #perSecond: Uint32Array;
  readonly #duringOutageByPod: Uint32Array;

  constructor(options: SimulatedStsOptions) {
    this.#options = options;
    this.#start = options.clock.now();
    this.#perSecond = new Uint32Array(Math.ceil(options.durationMs / 1_000) + 1);
    this.#duringOutageByPod = new Uint32Array(options.pods);
  }

  /** The uncached source one pod's cache wraps. */
  sourceFor(pod: number): AwsCredentialIdentityProvider {
    return () => this.#call(pod);
  }

  counts(): StsCounts {
    return {
      total: this.#total,
      perSecond: this.#perSecond,
      duringOutage: this.#duringOutage,
      duringOutageByPod: this.#duringOutageByPod,
    };
  }

  #call(pod: number): Promise<AwsCredentialIdentity> {
    const { clock, outage, latencyMs, random, lifetimeMs } = this.#options;
    const elapsed = clock.now() - this.#start;
    this.#total += 1;
    const second = Math.floor(elapsed / 1_000);
    if (second < this.#perSecond.length) this.#perSecond[second] = (this.#perSecond[second] ?? 0) + 1;
    const down = outage !== undefined && elapsed >= outage.startMs && elapsed < outage.startMs + outage.durationMs;
    if (down) {
      this.#duringOutage += 1;
      this.#duringOutageByPod[pod] = (this.#duringOutageByPod[pod] ?? 0) + 1;
      if (outage.kind === "hangs") return new Promise(() => undefined);
    }
    const latency = latencyMs[0] + random() * (latencyMs[1] - latencyMs[0]);
    return new Promise((resolve, reject) => {
      clock.setTimer(() => {
        if (down) {
          reject(Object.assign(new Error("ServiceUnavailable: STS is browning out"), { name: "ServiceUnavailable" }));
          return;
        }
        resolve({
          accessKeyId: `ASIASIM${pod}`,
          secretAccessKey: "simulated-secret",
          sessionToken: "simulated-session-token",
          expiration: new Date(clock.now() + lifetimeMs),
        });
      }, latency);
    });
  }
}
