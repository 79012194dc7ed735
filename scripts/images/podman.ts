// podman as the image scripts run it: always through scripts/images/podman, which holds the flags this kind of machine
// needs (runc, cgroupfs, vfs, no default ulimits), so the shell scripts and these drivers cannot drift apart.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PODMAN = fileURLToPath(new URL("./podman", import.meta.url));

/** A podman command that exited with another status than 0. */
export class PodmanError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`podman ${args.slice(0, 2).join(" ")} … exited ${String(exitCode)}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
    this.name = "PodmanError";
  }
}

/** The outcome of one podman command. */
export interface PodmanResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs podman to completion and resolves with its exit status and output, whatever the status. */
export function podmanStatus(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<PodmanResult> {
  return new Promise((resolve) => {
    execFile(
      PODMAN,
      [...args],
      { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 120_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs podman to completion; resolves with its stdout, rejects with {@link PodmanError} on a non-zero exit. */
export async function podman(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<string> {
  const result = await podmanStatus(args, options);
  if (result.code !== 0) throw new PodmanError(args, result.code, result.stderr);
  return result.stdout;
}

/** Starts a long-running podman command (a build whose output is shown, an attached `run`). */
export function spawnPodman(args: readonly string[], stdio: "inherit" | "pipe"): ChildProcess {
  return spawn(PODMAN, [...args], { cwd: REPO_ROOT, stdio: stdio === "inherit" ? ["ignore", "inherit", "inherit"] : ["ignore", "pipe", "pipe"] });
}
