import type { CallLog } from "./call-log.js";
import type { FaultQueue } from "./fault-queue.js";
import type { LoopbackServer } from "./loopback-server.js";

/** What every emulator gives a test: where it listens, what it received, faults to serve, and how to stop it. */
export interface EmulatorControls<C, F> {
  /** "http://127.0.0.1:PORT": pass as `endpoint` (or the service's `AWS_ENDPOINT_URL_*`). */
  readonly endpoint: string;
  /** Calls of the emulated operation received, faulted and unanswered ones included. */
  readonly callCount: number;
  /** Every request received, in order, with its outcome. Carries no secret. */
  readonly calls: readonly C[];
  /** Makes the next `times` calls fail (or wait) this way. @defaultValue times 1 */
  injectFault(fault: F, times?: number): void;
  /** Drops the faults not applied yet. */
  clearFaults(): void;
  /** Stops the server, dropping open connections. */
  close(): Promise<void>;
}

/** The controls of an emulator made of this server, call log and fault queue. */
export function emulatorControls<C, F>(server: LoopbackServer, log: CallLog<C>, faults: FaultQueue<F>): EmulatorControls<C, F> {
  return {
    endpoint: server.endpoint,
    get callCount() {
      return log.arrivals;
    },
    calls: log.calls,
    injectFault: (fault, times) => faults.inject(fault, times),
    clearFaults: () => faults.clear(),
    close: () => server.close(),
  };
}
