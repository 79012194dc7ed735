import type { Logger } from "@aws-sdk/types";
import { formatLogFields, type RefreshOptions, refreshEventLogEntry } from "@workload-identity/refresh";
import type { SharedSourceState } from "./shared-cache.js";

const LOG_PREFIX = "@workload-identity/credentials:";

/**
 * Puts our observer in front of the caller's `onEvent`: it records the expiration for `explain`, and logs each state
 * change (once, by the one event-to-log rule) except the routine ones below `info`.
 */
export function observeRefresh(
  options: RefreshOptions,
  state: SharedSourceState,
  source: string,
  logger: Logger | undefined,
): RefreshOptions {
  const onEvent = options.onEvent;
  const now = options.now ?? Date.now;
  return {
    ...options,
    onEvent: (event) => {
      if (event.type === "refreshed") {
        state.expiration = event.expiration ?? null;
        state.resolvedAt = new Date(now());
      }
      if (logger !== undefined) {
        const { level, message, fields } = refreshEventLogEntry(event);
        if (level === "warn" || level === "error") logger[level](`${LOG_PREFIX} ${source} ${message} ${formatLogFields(fields)}`);
      }
      onEvent?.(event);
    },
  };
}
