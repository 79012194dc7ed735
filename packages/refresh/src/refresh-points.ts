import { defaultRefreshBeforeMs, type ResolvedRefreshOptions } from "./options.js";

/** The instants, in milliseconds since the epoch, at which a cached entry changes how calls are served. */
export interface RefreshPoints {
  /** The first call from here on starts the background refresh. */
  readonly refreshAt: number;
  /** The advisory window opens: a refresh has started by now, and what is left before `mandatoryAt` is for retries. */
  readonly advisoryAt: number;
  /** From here on callers wait for the refresh. */
  readonly mandatoryAt: number;
}

type WindowOptions = Pick<ResolvedRefreshOptions, "refreshBeforeMs" | "mustRefreshBeforeMs" | "jitter" | "random">;

/**
 * Places the windows of credentials received at `at` that expire at `expiresAt`.
 *
 * The jittered refresh point lies before the advisory window, not inside it: inside, it could land a minute before
 * the mandatory window and leave no time to retry through an outage. Before it, a fleet still spreads its refreshes
 * over a quarter of the lifetime (minutes 30 to 45 of one-hour credentials), and every pod keeps the whole advisory
 * window, minus the mandatory one, to retry in.
 */
export function refreshPoints(expiresAt: number, at: number, options: WindowOptions): RefreshPoints {
  const lifetimeMs = expiresAt - at;
  // Both windows are capped to a share of the lifetime, so short-lived credentials are still served from the
  // cache for a while instead of starting a refresh at every call.
  const mandatoryWindowMs = Math.min(options.mustRefreshBeforeMs, lifetimeMs / 2);
  const advisoryWindowMs = Math.max(
    mandatoryWindowMs,
    Math.min(options.refreshBeforeMs ?? defaultRefreshBeforeMs(lifetimeMs), (lifetimeMs * 3) / 4),
  );
  const mandatoryAt = expiresAt - mandatoryWindowMs;
  const advisoryAt = expiresAt - advisoryWindowMs;
  if (!options.jitter) return { refreshAt: advisoryAt, advisoryAt, mandatoryAt };
  const spreadMs = (advisoryAt - at) / 3;
  return { refreshAt: advisoryAt - spreadMs + options.random() * spreadMs, advisoryAt, mandatoryAt };
}
