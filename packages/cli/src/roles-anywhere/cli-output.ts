import { redact } from "@workload-identity/core/redaction";
import type { CliDeps } from "./cli-deps.js";
import { createJsonLogger, describeError, type JsonLogger } from "./log.js";

/** The CLI's JSON-lines logger on stderr. */
export function createLogger(deps: Pick<CliDeps, "stderr" | "now">, debug: boolean): JsonLogger {
  return createJsonLogger({ write: deps.stderr, now: () => new Date(deps.now()), debug });
}

/** `roles-anywhere: CODE: message [request id]` on one line, through the one redaction rule. */
export function oneLineError(error: unknown): string {
  const { error: described, code, requestId } = describeError(error);
  // With a stable code the class name adds nothing: "CODE: message"; otherwise "Name: message".
  const message = code !== undefined && error instanceof Error ? `${code}: ${error.message}` : described;
  const text = `roles-anywhere: ${message.replace(/\s*[\r\n]+\s*/g, " ")}${
    requestId === undefined || message.includes(requestId) ? "" : ` (request id ${requestId})`
  }`;
  return redact(text);
}
