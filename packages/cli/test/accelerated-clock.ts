import { existsSync } from "node:fs";
import { childProcessEnv } from "@workload-identity/testing";

/** Where Debian's `faketime` package puts libfaketime, per architecture. */
const LIBFAKETIME_PATHS = [
  "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
  "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
  "/usr/lib/faketime/libfaketime.so.1",
];

/** The libfaketime library, or `undefined` when it is not installed. */
export function findLibfaketime(): string | undefined {
  return LIBFAKETIME_PATHS.find((path) => existsSync(path));
}

/** Why a test on an accelerated clock cannot run here, or `undefined` when it can. */
export function acceleratedClockUnavailableReason(): string | undefined {
  if (process.platform !== "linux") return "SKIPPED: libfaketime needs Linux";
  return findLibfaketime() === undefined ? "SKIPPED: libfaketime not installed (apt-get install faketime)" : undefined;
}

/** A clock that runs `speed` times as fast as the real one, shared by this process and the children it starts. */
export interface AcceleratedClock {
  readonly speed: number;
  /** Milliseconds since the epoch on this clock: give it to in-process emulators and PKIs. */
  now(): number;
  /**
   * An environment for a child process on this clock (libfaketime, started at this clock's current second): call it
   * just before spawning, as the child's clock starts when it does. Based on `childProcessEnv`.
   */
  childEnv(extra?: Readonly<Record<string, string>>): Record<string, string>;
  /** Converts a real duration into one on this clock. */
  fakeMs(realMs: number): number;
}

/**
 * Starts an accelerated clock at `startMs`. libfaketime's `FAKETIME='@DATE xSPEED'` starts each process's clock at
 * DATE when that process starts, so every child gets the date this clock shows at its spawn: all of them, and the
 * emulator in this process, then agree within a fraction of a second (times `speed`).
 */
export function createAcceleratedClock(options: { startMs: number; speed: number }): AcceleratedClock {
  const { startMs, speed } = options;
  // The monotonic clock: real time even when the whole run is under `faketime '+400 days'`.
  const origin = performance.now();
  const now = () => startMs + (performance.now() - origin) * speed;
  return {
    speed,
    now,
    fakeMs: (realMs) => realMs * speed,
    childEnv(extra = {}) {
      const library = findLibfaketime();
      if (library === undefined) throw new Error("libfaketime is not installed");
      const env = childProcessEnv(extra);
      // The run's own libfaketime settings (an offset, a shared-memory segment, a timestamp file) would fight ours.
      for (const name of Object.keys(env)) if (/^FAKETIME/.test(name)) delete env[name];
      const date = new Date(Math.round(now() / 1000) * 1000).toISOString().replace("T", " ").slice(0, 19);
      return {
        ...env,
        LD_PRELOAD: library,
        FAKETIME: `@${date} x${speed}`,
        // Timers and sleeps must run fast too (libuv's and Python's use the monotonic clock).
        DONT_FAKE_MONOTONIC: "0",
        TZ: "UTC",
      };
    },
  };
}
