import { defaultRefreshBeforeMs, type RefreshOptions } from "@workload-identity/refresh";

const MINUTE_MS = 60_000;

/**
 * botocore's IMDS fetcher, as of 1.43 (`InstanceMetadataFetcher._evaluate_expiration`): credentials that expire
 * within `ec2_credential_refresh_window` (10 minutes) plus a random 2 to 10 minutes of the fetch get their expiry
 * moved to that point after the fetch, so for up to 20 minutes. botocore then refreshes 15 minutes before the expiry
 * it believes in. A set fetched with less than 20 minutes left is thus used for up to 5 minutes whatever its real
 * expiry: fetched with 3 minutes left, botocore signs with it for 2 minutes after it expired.
 */
const BOTOCORE_MAX_EXTENSION_MS = 20 * MINUTE_MS;
const BOTOCORE_ADVISORY_REFRESH_MS = 15 * MINUTE_MS;
/** Clock differences between the sidecar and its clients, and the time an answer takes to be used. */
const MARGIN_MS = MINUTE_MS;

/**
 * The IMDS route never hands out credentials with less than this left (6 minutes): botocore may use what it fetches
 * for up to 5 minutes ({@link BOTOCORE_MAX_EXTENSION_MS} minus its 15-minute advisory refresh), even past expiry. Only
 * a failing refresh lets credentials get this old; the route then answers 500, as for expired credentials.
 */
export const IMDS_MIN_REMAINING_MS = BOTOCORE_MAX_EXTENSION_MS - BOTOCORE_ADVISORY_REFRESH_MS + MARGIN_MS;

/**
 * The refresh windows of `serve`: callers wait for a refresh once 21 minutes are left (half the session when that is
 * shorter), so while refreshes succeed every IMDS answer has more than botocore's 20-minute extension window left and
 * botocore never extends anything; a background refresh starts up to 15 minutes earlier (or at the SDKs' default
 * window when that is longer), to retry through an outage before anyone waits.
 * @param sessionDurationSeconds - the session duration asked of CreateSession (`--session-duration`)
 */
export function serveRefreshWindows(
  sessionDurationSeconds: number,
): Required<Pick<RefreshOptions, "refreshBeforeMs" | "mustRefreshBeforeMs">> {
  const lifetimeMs = sessionDurationSeconds * 1000;
  const mustRefreshBeforeMs = Math.min(BOTOCORE_MAX_EXTENSION_MS + MARGIN_MS, lifetimeMs / 2);
  const refreshBeforeMs = Math.min(
    Math.max(mustRefreshBeforeMs + 15 * MINUTE_MS, defaultRefreshBeforeMs(lifetimeMs)),
    (lifetimeMs * 3) / 4,
  );
  return { refreshBeforeMs, mustRefreshBeforeMs };
}
