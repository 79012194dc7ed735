import { formatWithOptions } from "node:util";
import type { Logger } from "@aws-sdk/types";
// The redaction rule alone: the package's main entry would load the SDK on the CLI's start path.
import { describeError as describeOneLine, redact, registerSecret } from "@workload-identity/core/redaction";

/** Fields of a log line. Never put a credential, token, key or passphrase here. */
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Levels, from the most verbose. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** The CLI's logger: one JSON object per line. */
export interface JsonLogger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /**
   * Registers a value that must never be printed (a passphrase, a secret key, a session token) with the one
   * redaction rule (`@workload-identity/core`): any occurrence in a later line is replaced by `[REDACTED]`.
   */
  addSecret(value: string | undefined): void;
  /** The one redaction rule: registered secrets and anything shaped like one, replaced by `[REDACTED]`. */
  redact(text: string): string;
}

/** Options of {@link createJsonLogger}. */
export interface JsonLoggerOptions {
  /** Receives each line, newline included. */
  write: (line: string) => void;
  /** @defaultValue `() => new Date()` */
  now?: () => Date;
  /** Print `debug` lines. @defaultValue false */
  debug?: boolean;
}

/** Creates a JSON-lines logger: `{"time","level","msg",...fields}`. */
export function createJsonLogger(options: JsonLoggerOptions): JsonLogger {
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, msg: string, fields: LogFields = {}): void => {
    if (level === "debug" && options.debug !== true) return;
    options.write(`${redact(JSON.stringify({ time: now().toISOString(), level, msg, ...fields }))}\n`);
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    redact,
    addSecret: (value) => registerSecret(value),
  };
}

/**
 * The loggable parts of an error: its one-line description (the one rule, redacted), `code` and AWS request id,
 * never its other fields.
 */
export function describeError(error: unknown): { error: string; code: string | undefined; requestId: string | undefined } {
  if (!(error instanceof Error)) return { error: describeOneLine(error), code: undefined, requestId: undefined };
  const { code } = error as { code?: unknown };
  const requestId =
    (error as { requestId?: unknown }).requestId ??
    (error as { $metadata?: { requestId?: unknown } }).$metadata?.requestId;
  return {
    error: describeOneLine(error),
    code: typeof code === "string" ? code : undefined,
    requestId: typeof requestId === "string" ? requestId : undefined,
  };
}

/**
 * Adapts the CLI logger to the SDK `Logger` shape, for the library's own messages. Levels not in `keep` become debug
 * lines: a command that reports failures, refreshes and the certificate's expiry itself keeps only what it does not
 * say, so no event is logged twice.
 * @param options.keep - the library levels that keep their level. @defaultValue ["info", "warn", "error"]
 */
export function toSdkLogger(log: JsonLogger, options: { keep?: readonly SdkLevel[] } = {}): Logger {
  const format = (content: unknown[]): string => formatWithOptions({ breakLength: Infinity }, ...content);
  const keep = new Set<SdkLevel>(options.keep ?? ["info", "warn", "error"]);
  const at = (level: SdkLevel) => (keep.has(level) ? log[level] : log.debug);
  return {
    debug: (...content: unknown[]) => log.debug(format(content)),
    info: (...content: unknown[]) => at("info")(format(content)),
    warn: (...content: unknown[]) => at("warn")(format(content)),
    error: (...content: unknown[]) => at("error")(format(content)),
  };
}

/** The levels of the SDK logger that {@link toSdkLogger} may keep. */
export type SdkLevel = "info" | "warn" | "error";
