/** Faults a test queued for the next calls of an emulator, served one per call, in order. */
export interface FaultQueue<F> {
  /** Queues `fault` for the next `times` calls. @defaultValue times 1 */
  inject(fault: F, times?: number): void;
  /** Drops the faults not served yet. */
  clear(): void;
  /** Takes the fault for the call arriving now, if any. */
  next(): F | undefined;
}

/** An empty fault queue. */
export function createFaultQueue<F>(): FaultQueue<F> {
  const faults: F[] = [];
  return {
    inject(fault, times = 1) {
      for (let i = 0; i < times; i += 1) faults.push(fault);
    },
    clear() {
      faults.length = 0;
    },
    next: () => faults.shift(),
  };
}
