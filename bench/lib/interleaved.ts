import { spawnSync } from "node:child_process";
import { median } from "./hot-path.js";

/** A command to start again and again: argv[0] is the executable. */
export interface TimedCommand {
  readonly name: string;
  readonly argv: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** Wall time of each command, in milliseconds: median, mean and standard deviation over the runs. */
export interface CommandTiming {
  readonly name: string;
  readonly medianMs: number;
  readonly meanMs: number;
  readonly sdMs: number;
}

/**
 * Starts each command `runs` times, the commands interleaved (A B C A B C …) so a machine whose load drifts during the
 * measurement slows every command alike, as hyperfine cannot (it runs each command's series in turn). `warmup` rounds
 * first, not counted. A command that exits non-zero stops the measurement: a failing command measures nothing.
 */
export function timeInterleaved(commands: readonly TimedCommand[], runs: number, warmup = 3): CommandTiming[] {
  const samples = commands.map(() => [] as number[]);
  for (let round = 0; round < warmup + runs; round += 1) {
    for (const [index, command] of commands.entries()) {
      const [executable, ...args] = command.argv as [string, ...string[]];
      const started = process.hrtime.bigint();
      const result = spawnSync(executable, args, { env: command.env, cwd: command.cwd, stdio: ["ignore", "ignore", "pipe"] });
      const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (result.status !== 0) throw new Error(`${command.name} exited with ${String(result.status)}: ${String(result.stderr)}`);
      if (round >= warmup) samples[index]?.push(elapsedMs);
    }
  }
  return commands.map((command, index) => {
    const values = samples[index] ?? [];
    const meanMs = values.reduce((sum, value) => sum + value, 0) / values.length;
    const sdMs = Math.sqrt(values.reduce((sum, value) => sum + (value - meanMs) ** 2, 0) / Math.max(1, values.length - 1));
    return { name: command.name, medianMs: median(values), meanMs, sdMs };
  });
}

/** Peak resident memory of one run, in KiB, from GNU time (`/usr/bin/time`); `undefined` without it. */
export function peakRssKiB(command: TimedCommand): number | undefined {
  const result = spawnSync("/usr/bin/time", ["-f", "%M", ...command.argv], {
    env: command.env,
    cwd: command.cwd,
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (result.error !== undefined || result.status !== 0) return undefined;
  const value = Number(result.stderr.trim().split("\n").at(-1));
  return Number.isFinite(value) ? value : undefined;
}
