import { redact } from "./redact.js";

/**
 * One line about an error for a message or a log line: its name, its `code` (or the service's `Code`) when that says
 * more than the name, and the first line of its message, redacted. Never its other fields.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return redact(String(error));
  const fields = error as Error & { code?: unknown; Code?: unknown };
  const code = typeof fields.code === "string" ? fields.code : typeof fields.Code === "string" ? fields.Code : undefined;
  const prefix = code !== undefined && code !== error.name ? `${error.name} (${code})` : error.name;
  return redact(`${prefix}: ${error.message.split("\n")[0] ?? ""}`);
}
