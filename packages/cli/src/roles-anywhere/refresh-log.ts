import type { RefreshEvent } from "@workload-identity/refresh";
import { describeError, type JsonLogger } from "./log.js";

/** Logs one line per refresh state change. Events carry no credential; errors are reduced to name, code, message. */
export function logRefreshEvent(log: JsonLogger, event: RefreshEvent): void {
  switch (event.type) {
    case "refresh-started":
      log.debug("refresh started", { reason: event.reason });
      return;
    case "refreshed":
      log.info("credentials refreshed", {
        reason: event.reason,
        expiration: event.expiration?.toISOString(),
        durationMs: event.durationMs,
      });
      return;
    case "refresh-failed":
      log.error("refresh failed", {
        reason: event.reason,
        consecutiveFailures: event.consecutiveFailures,
        nextAttemptAt: event.nextAttemptAt.toISOString(),
        ...describeError(event.error),
      });
      return;
    case "stale-credentials-served":
      log.warn("serving the last good credentials while refreshing fails", {
        expiration: event.expiration?.toISOString(),
        ...describeError(event.error),
      });
      return;
    case "forced-refresh":
      log.debug("forced refresh");
      return;
    case "short-lived-credentials":
      log.warn("CreateSession returned short-lived credentials", {
        expiration: event.expiration.toISOString(),
        remainingMs: event.remainingMs,
      });
      return;
  }
}
