import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { LogLine } from "./logs.js";

const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));

/** The consumer running as its own process, as in a pod: `node --import tsx src/main.ts`. */
export interface ConsumerProcess {
  readonly child: ChildProcess;
  /** Parsed stdout JSON lines so far. */
  readonly lines: LogLine[];
  /** Whatever was written to stderr (the SDK's Node version notice, crashes). */
  stderr(): string;
  /** Resolves with the first line matching, or rejects when the process exits first. */
  waitForLine(predicate: (line: LogLine) => boolean): Promise<LogLine>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns the consumer with exactly `env` (plus PATH), from the repository root so sources run without a build. */
export function spawnConsumer(env: Record<string, string>): ConsumerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: LogLine[] = [];
  const waiters: { predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  let stderr = "";
  let pending = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    const parts = pending.split("\n");
    pending = parts.pop() ?? "";
    for (const part of parts) {
      if (part.trim() === "") continue;
      let line: LogLine;
      try {
        line = JSON.parse(part) as LogLine;
      } catch {
        line = { level: "raw", msg: part };
      }
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.predicate(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    waitForLine(predicate) {
      const found = lines.find(predicate);
      if (found !== undefined) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        waiters.push({ predicate, resolve });
        void exited.then(({ code, signal }) =>
          reject(new Error(`consumer exited (code ${code}, signal ${signal}) before the line; stderr: ${stderr}`)),
        );
      });
    },
  };
}
