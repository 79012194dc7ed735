import type { Logger } from "pino";

/** What one receive loop is doing, as sqs-consumer's callbacks and events tell it. */
export type LoopPhase = "starting" | "receiving" | "processing" | "idle" | "stopped";

/** Options of {@link Health}. */
export interface HealthOptions {
  /** The long-poll wait: a receive may legitimately last this long. */
  readonly waitTimeSeconds: number;
  /** Number of receive loops. */
  readonly loops: number;
  readonly logger: Logger;
  /**
   * Extra time a phase may take beyond its expected length before `/livez` reports the loop stuck.
   * @defaultValue 30000
   */
  readonly graceMs?: number;
  /** The clock. @defaultValue Date.now */
  readonly now?: () => number;
}

/** A probe's answer. */
export interface ProbeResult {
  readonly ok: boolean;
  /** Why not, when not ok. */
  readonly reasons: readonly string[];
}

interface FailureState {
  readonly kind: "credentials" | "queue";
  readonly code: string;
  consecutive: number;
}

/**
 * The consumer's health: the state of each receive loop (for `/livez`) and whether the queue answers with our
 * credentials (for `/readyz`). State changes are logged once each.
 */
export class Health {
  private readonly phases: { phase: LoopPhase; since: number }[];
  private failure: FailureState | undefined;
  private reachable = false;
  private stopping = false;
  private readonly now: () => number;
  private readonly graceMs: number;

  constructor(private readonly options: HealthOptions) {
    this.now = options.now ?? Date.now;
    this.graceMs = options.graceMs ?? 30_000;
    this.phases = Array.from({ length: options.loops }, () => ({ phase: "starting" as LoopPhase, since: this.now() }));
  }

  /** Records what loop `index` is doing now. */
  enter(index: number, phase: LoopPhase): void {
    const state = this.phases[index];
    if (state !== undefined) {
      state.phase = phase;
      state.since = this.now();
    }
  }

  /** The phase loop `index` is in. */
  phaseOf(index: number): LoopPhase | undefined {
    return this.phases[index]?.phase;
  }

  /** A call to the queue succeeded: it is reachable and our credentials work. */
  recordSuccess(): void {
    if (this.failure !== undefined) {
      this.options.logger.info(
        { previousError: this.failure.code, failedAttempts: this.failure.consecutive },
        "queue reachable again",
      );
      this.failure = undefined;
    } else if (!this.reachable) {
      this.options.logger.info("queue reachable");
    }
    this.reachable = true;
  }

  /** A call to the queue failed: unready until one succeeds. Logged when the failure starts or its code changes. */
  recordFailure(error: unknown): void {
    const { kind, code, message } = classify(error);
    const previous = this.failure;
    this.failure = { kind, code, consecutive: (previous?.consecutive ?? 0) + 1 };
    if (previous === undefined || previous.code !== code) {
      this.options.logger.warn(
        { kind, error: { code, message } },
        kind === "credentials" ? "cannot get credentials for the queue; retrying" : "cannot reach the queue; retrying",
      );
    }
  }

  /** From now on `/readyz` fails: the pod is leaving and must get no new work. */
  markStopping(): void {
    this.stopping = true;
  }

  /** `/readyz`: credentials resolved and the queue answered the last call, and not shutting down. */
  readiness(): ProbeResult {
    const reasons: string[] = [];
    if (this.stopping) reasons.push("shutting down");
    if (this.failure !== undefined) {
      reasons.push(`${this.failure.kind} failing (${this.failure.code}, ${this.failure.consecutive} attempts)`);
    } else if (!this.reachable) {
      reasons.push("queue not reached yet");
    }
    return { ok: reasons.length === 0, reasons };
  }

  /** `/livez`: every loop is in a phase it has not outstayed (a hung receive, a stuck timer). */
  liveness(): ProbeResult {
    const at = this.now();
    const reasons: string[] = [];
    this.phases.forEach((state, index) => {
      const limitMs = this.limitMs(state.phase);
      if (at - state.since > limitMs) {
        reasons.push(`loop ${index} ${state.phase} for ${at - state.since} ms (limit ${limitMs} ms)`);
      }
    });
    return { ok: reasons.length === 0, reasons };
  }

  private limitMs(phase: LoopPhase): number {
    switch (phase) {
      case "receiving":
        return this.options.waitTimeSeconds * 1000 + this.graceMs;
      // Between receives (sqs-consumer's pause after a failed one included).
      case "starting":
      case "idle":
        return this.graceMs;
      // Handlers may legitimately run long (sqs-consumer's heartbeat keeps their messages hidden); a stopped loop is done.
      case "processing":
      case "stopped":
        return Number.POSITIVE_INFINITY;
    }
  }
}

/** Names a failure without its details: `code` is stable enough to log "once per state change". */
export function classify(error: unknown): { kind: "credentials" | "queue"; code: string; message: string } {
  // sqs-consumer wraps SDK errors in its SQSError and keeps the original as `cause`.
  const root = error instanceof Error && error.name === "SQSError" && error.cause instanceof Error ? error.cause : error;
  if (!(root instanceof Error)) return { kind: "queue", code: "Unknown", message: String(root) };
  const code = (root as { code?: unknown }).code;
  // Credential providers fail with CredentialsProviderError or a subclass, which carry `tryNextLink`.
  const kind = "tryNextLink" in root ? "credentials" : "queue";
  return { kind, code: typeof code === "string" && code !== "" ? code : root.name, message: root.message };
}
