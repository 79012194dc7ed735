import { describeError } from "@workload-identity/core";
import type { RefreshEvent } from "./events.js";

/** One log entry: the level, a short message, and fields that carry no secret. */
export interface RefreshLogEntry {
  readonly level: "debug" | "info" | "warn" | "error";
  readonly message: string;
  readonly fields: Readonly<Record<string, string | number | undefined>>;
}

/**
 * How a refresh event is logged, one rule for every package and CLI: one entry per state change. A failed refresh
 * is a warning (the cache may still serve valid credentials; `stale-credentials-served` says so), errors are reduced
 * to a redacted one-line description.
 */
export function refreshEventLogEntry(event: RefreshEvent): RefreshLogEntry {
  switch (event.type) {
    case "refresh-started":
      return { level: "debug", message: "refresh started", fields: { reason: event.reason } };
    case "refreshed":
      return {
        level: "info",
        message: "credentials refreshed",
        fields: { reason: event.reason, expiration: event.expiration?.toISOString(), durationMs: event.durationMs },
      };
    case "refresh-failed":
      return {
        level: "warn",
        message: "refresh failed",
        fields: {
          reason: event.reason,
          consecutiveFailures: event.consecutiveFailures,
          nextAttemptAt: event.nextAttemptAt.toISOString(),
          error: describeError(event.error),
          code: codeOf(event.error),
        },
      };
    case "stale-credentials-served":
      return {
        level: "warn",
        message: "serving the last good credentials while refreshing fails",
        fields: { expiration: event.expiration?.toISOString(), error: describeError(event.error), code: codeOf(event.error) },
      };
    case "forced-refresh":
      return { level: "debug", message: "forced refresh", fields: {} };
    case "short-lived-credentials":
      return {
        level: "warn",
        message: "the source returned short-lived credentials",
        fields: { expiration: event.expiration.toISOString(), remainingMs: event.remainingMs },
      };
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/** `key=value` pairs of the defined fields, for a one-line text log. */
export function formatLogFields(fields: RefreshLogEntry["fields"]): string {
  return Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(" ");
}
