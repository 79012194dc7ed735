import { Writable } from "node:stream";
import type { Logger } from "pino";
import { createLogger, type LogLevel } from "@workload-identity/example-sqs-consumer";

/** One parsed JSON log line. */
export type LogLine = Record<string, unknown> & { level: string; msg: string };

/** A real pino logger whose lines are kept, parsed, for assertions. */
export function captureLogs(level: LogLevel = "debug"): { logger: Logger; lines: LogLine[]; text: () => string } {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (line === "") continue;
        raw.push(line);
        lines.push(JSON.parse(line) as LogLine);
      }
      callback();
    },
  });
  return { logger: createLogger(level, destination), lines, text: () => raw.join("\n") };
}
