import { backoffCeilingMs } from "@workload-identity/core";
import type { ResolvedRefreshOptions } from "./options.js";

type RetryOptions = Pick<ResolvedRefreshOptions, "baseDelayMs" | "maxDelayMs" | "maxDelayWithoutCredentialsMs">;

/** The valid cached entry the failure happened under, if any. */
interface ValidEntry {
  readonly mandatoryAt: number;
  readonly expiresAt: number;
}

/**
 * The ceiling of the wait after the `consecutiveFailures`-th failure in a row; the wait itself is uniform below it
 * (full jitter). Exponential from `baseDelayMs`, capped by `maxDelayMs` while valid credentials are cached, else by
 * `maxDelayWithoutCredentialsMs`.
 *
 * With valid credentials it is also at most half the time left before the next boundary (the mandatory window, or
 * expiry once inside it). A five-minute wait that starts four minutes before the mandatory window would skip the
 * time in which STS is back and callers do not yet wait; halving keeps attempts coming up to the boundary, so the
 * first one after an outage ends still lands before it. The floor of `baseDelayMs` stops the halving from
 * turning into a busy loop right at the boundary.
 */
export function retryCeilingMs(
  consecutiveFailures: number,
  at: number,
  valid: ValidEntry | undefined,
  options: RetryOptions,
): number {
  if (valid === undefined) {
    return backoffCeilingMs(consecutiveFailures, options.baseDelayMs, options.maxDelayWithoutCredentialsMs);
  }
  const boundary = at < valid.mandatoryAt ? valid.mandatoryAt : valid.expiresAt;
  const ceilingMs = backoffCeilingMs(consecutiveFailures, options.baseDelayMs, options.maxDelayMs);
  return Math.min(ceilingMs, Math.max(options.baseDelayMs, (boundary - at) / 2));
}
