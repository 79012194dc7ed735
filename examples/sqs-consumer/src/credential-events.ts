import type { RefreshEvent } from "@workload-identity/credentials";
import type { Logger } from "pino";
import type { Metrics } from "./metrics.js";

/**
 * Turns the credential cache's events into metrics and log lines: every new set of credentials (with its expiry,
 * never the credentials) and the recovery after failures. The failures themselves are logged by
 * `fromEnvironmentAware`, which gets the same logger.
 */
export function credentialEventHandler(logger: Logger, metrics: Metrics): (event: RefreshEvent) => void {
  let failing = false;
  return (event) => {
    switch (event.type) {
      case "refreshed":
        metrics.credentialRefreshes += 1;
        logger.info(
          { reason: event.reason, expiration: event.expiration?.toISOString(), durationMs: Math.round(event.durationMs) },
          failing ? "credentials refreshed after failures" : event.reason === "initial" ? "credentials obtained" : "credentials refreshed",
        );
        failing = false;
        return;
      case "refresh-failed":
        metrics.credentialRefreshFailures += 1;
        failing = true;
        return;
      case "short-lived-credentials":
        logger.warn(
          { expiration: event.expiration.toISOString(), remainingMs: event.remainingMs },
          "the credential source returned credentials that expire very soon",
        );
        return;
      case "refresh-started":
      case "forced-refresh":
      case "stale-credentials-served":
        logger.debug({ event: event.type }, "credential cache event");
        return;
    }
  };
}
