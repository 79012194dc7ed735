import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Debian's libfaketime (package `faketime`). */
export const LIBFAKETIME = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

/** Why a process cannot be put on a movable clock here, or undefined when libfaketime is installed. */
export function movableClockUnavailableReason(): string | undefined {
  try {
    accessSync(LIBFAKETIME, constants.R_OK);
    return undefined;
  } catch {
    return `libfaketime not installed (no ${LIBFAKETIME}; apt-get install faketime)`;
  }
}

/**
 * A wall clock for child processes that a test moves while they run: libfaketime re-reads its offset from a file at
 * every clock reading (`FAKETIME_TIMESTAMP_FILE` with `FAKETIME_NO_CACHE=1`). The offset is relative to this process's
 * clock, so it holds when the whole run is itself under libfaketime (`faketime '+400 days' pnpm test`).
 */
export interface MovableClock {
  /**
   * The environment that puts a child on this clock; `FAKETIME` is removed (it would win over the file) and the
   * monotonic clock is left alone (Ceph's daemons time out otherwise).
   */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Sets the children's wall clock to this process's clock plus `aheadMs` (whole seconds), from their next reading on. */
  setAhead(aheadMs: number): Promise<void>;
  /** Removes the offset file. */
  remove(): Promise<void>;
}

/** Seconds this process's wall clock is ahead of the machine's real one (0 unless the run is under libfaketime). */
async function ownOffsetSeconds(): Promise<number> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name !== "LD_PRELOAD" && !name.startsWith("FAKETIME")),
  );
  const real = await new Promise<number>((resolve, reject) => {
    execFile("date", ["+%s.%N"], { env: clean, timeout: 5_000 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(Number.parseFloat(stdout));
    });
  });
  return Math.round(Date.now() / 1000 - real);
}

/** A movable clock starting at this process's time. Fails if libfaketime is missing (see the reason function). */
export async function createMovableClock(): Promise<MovableClock> {
  const reason = movableClockUnavailableReason();
  if (reason !== undefined) throw new Error(reason);
  const dir = await mkdtemp(join(tmpdir(), "movable-clock-"));
  const file = join(dir, "offset");
  const base = await ownOffsetSeconds();
  const write = (aheadMs: number) => {
    const seconds = base + Math.round(aheadMs / 1000);
    return writeFile(file, `${seconds >= 0 ? "+" : ""}${seconds}\n`);
  };
  await write(0);
  return {
    env: {
      LD_PRELOAD: LIBFAKETIME,
      FAKETIME: undefined,
      FAKETIME_TIMESTAMP_FILE: file,
      FAKETIME_NO_CACHE: "1",
      DONT_FAKE_MONOTONIC: "1",
    },
    setAhead: write,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
