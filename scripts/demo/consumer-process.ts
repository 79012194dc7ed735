// Runs examples/sqs-consumer as a child process, as a pod would, and shows its JSON log lines as they arrive.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { childProcessEnv } from "@workload-identity/testing";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = fileURLToPath(new URL("../../examples/sqs-consumer/src/main.ts", import.meta.url));

/** One parsed JSON log line of the consumer. */
export type LogLine = Record<string, unknown> & { level: string; msg: string };

/** The consumer process (or any process whose stdout is JSON lines). */
export interface ConsumerProcess {
  readonly child: ChildProcess;
  readonly lines: LogLine[];
  stderr(): string;
  /** Resolves with the first line (already seen or to come) that matches; rejects if the process exits first. */
  waitFor(predicate: (line: LogLine) => boolean, what: string, timeoutMs: number): Promise<LogLine>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const HIDDEN = new Set(["level", "time", "msg", "service", "pid", "hostname"]);

/** A compact rendering of a JSON line: time, level, message, then the other fields. */
export function formatLine(line: LogLine): string {
  const time = typeof line.time === "string" ? line.time.slice(11, 23) : "";
  const fields = Object.entries(line)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
    .join(" ");
  return `${time} ${line.level.toUpperCase().padEnd(5)} ${line.msg}${fields === "" ? "" : `  ${fields}`}`;
}

/** Starts the consumer with exactly `env` (plus PATH); `print` receives each log line as it arrives. */
export function startConsumerProcess(env: Record<string, string>, print: (line: LogLine, raw: string) => void): ConsumerProcess {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN], {
    cwd: REPO_ROOT,
    env: childProcessEnv(env),
    stdio: ["ignore", "pipe", "pipe"],
  });
  return followJsonLines(child, print, "the consumer");
}

/** A caller of `waitFor`, until a line matches. */
interface Waiter {
  readonly predicate: (line: LogLine) => boolean;
  readonly resolve: (line: LogLine) => void;
}

/** Calls `onLine` with each JSON line of `stream` as it arrives (a line that is not JSON as `{ level: "raw" }`). */
function onJsonLines(stream: NodeJS.ReadableStream | null, onLine: (line: LogLine, raw: string) => void): void {
  let pending = "";
  stream?.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    const parts = pending.split("\n");
    pending = parts.pop() ?? "";
    for (const raw of parts) {
      if (raw.trim() === "") continue;
      let line: LogLine;
      try {
        line = JSON.parse(raw) as LogLine;
      } catch {
        line = { level: "raw", msg: raw };
      }
      onLine(line, raw);
    }
  });
}

/** `waitFor` of {@link ConsumerProcess}: a line already seen, or the next to match; rejects at the exit or the timeout. */
function lineWaiter(lines: readonly LogLine[], waiters: Set<Waiter>, exited: ConsumerProcess["exited"], name: string): ConsumerProcess["waitFor"] {
  return (predicate, what, timeoutMs) => {
    const seen = lines.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      waiters.add(waiter);
      void exited.then(({ code, signal }) => {
        if (!waiters.has(waiter)) return;
        waiters.delete(waiter);
        clearTimeout(timer);
        reject(new Error(`${name} exited (code ${code}, signal ${signal}) while waiting for ${what}`));
      });
    });
  };
}

/**
 * Follows a child that logs JSON lines (the consumer on stdout; `podman run` attached to a container; the
 * roles-anywhere CLI on stderr): parses each line of `stream` as it arrives, hands it to `print`, and lets callers wait
 * for a line; the other stream is kept as text. `name` names the process in errors.
 */
export function followJsonLines(
  child: ChildProcess,
  print: (line: LogLine, raw: string) => void,
  name: string,
  stream: "stdout" | "stderr" = "stdout",
): ConsumerProcess {
  const lines: LogLine[] = [];
  const waiters = new Set<Waiter>();
  let stderr = "";
  const [logs, other] = stream === "stdout" ? [child.stdout, child.stderr] : [child.stderr, child.stdout];
  onJsonLines(logs, (line, raw) => {
    lines.push(line);
    print(line, raw);
    for (const waiter of [...waiters]) {
      if (waiter.predicate(line)) {
        waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  });
  other?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  return { child, lines, stderr: () => stderr, exited, waitFor: lineWaiter(lines, waiters, exited, name) };
}
