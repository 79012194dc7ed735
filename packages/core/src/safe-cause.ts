import { redact } from "./redact.js";

/** Marks an error built through this project's base class: its message and causes are already safe. */
export const SAFE_ERROR = Symbol.for("@workload-identity/core.safe-error");

/** How deep a cause chain is copied; deeper causes add nothing a reader needs. */
const MAX_DEPTH = 4;
/** A service's message longer than this is cut: what matters is at its start. */
const MAX_MESSAGE_CHARS = 500;

const isPrimitive = (value: unknown): value is string | number =>
  typeof value === "string" || typeof value === "number";

/**
 * What an error from outside the project (the SDK's, Node's, a user's source) may carry as the `cause` of ours: a new
 * `Error` with its name, its redacted message, and the fields that help — `code`, `httpStatusCode` and `requestId`
 * (from the SDK's `$metadata`), Node's `syscall`, `errno`, `address`, `port` — and its stack frames. Never the error
 * itself: SDK errors keep the raw response (`$response`, the body with credentials in it) on hidden properties.
 * Errors of this project pass as they are.
 */
export function safeCause(error: unknown): unknown {
  return copyOf(error, 0);
}

function copyOf(error: unknown, depth: number): unknown {
  if (error === undefined || error === null) return undefined;
  if (typeof error === "object" && (error as Record<symbol, unknown>)[SAFE_ERROR] === true) return error;
  if (depth >= MAX_DEPTH) return undefined;
  if (!(error instanceof Error)) {
    const copy = new Error(redact(String(error).slice(0, MAX_MESSAGE_CHARS)));
    copy.name = "NonErrorCause";
    return copy;
  }
  const source = error as Error & Record<string, unknown>;
  const copy = new Error(redact(String(source.message).slice(0, MAX_MESSAGE_CHARS))) as Error & Record<string, unknown>;
  copy.name = typeof source.name === "string" ? source.name : "Error";
  const code = source.code ?? source.Code;
  if (isPrimitive(code)) copy.code = code;
  const metadata = source.$metadata as { httpStatusCode?: unknown; requestId?: unknown } | undefined;
  if (typeof metadata?.httpStatusCode === "number") copy.httpStatusCode = metadata.httpStatusCode;
  if (typeof metadata?.requestId === "string") copy.requestId = metadata.requestId;
  for (const field of ["syscall", "errno", "address", "port"]) {
    if (isPrimitive(source[field])) copy[field] = source[field];
  }
  // The frames say where it happened; the first line (the original message) is replaced by the redacted one.
  const frames = typeof source.stack === "string" ? source.stack.split("\n").filter((line) => /^\s+at /.test(line)) : [];
  copy.stack = [`${copy.name}: ${copy.message}`, ...frames].join("\n");
  const cause = copyOf(source.cause, depth + 1);
  if (cause !== undefined) copy.cause = cause;
  return copy;
}
