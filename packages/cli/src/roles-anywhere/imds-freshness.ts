import { defaultRefreshBeforeMs, type RefreshOptions } from "@workload-identity/refresh";

const MINUTE_MS = 60_000;

/**
 * botocore's IMDS fetcher (1.29 to 1.43 at least, `InstanceMetadataFetcher._evaluate_expiration`): credentials that
 * expire within its refresh window (15 minutes in the default chain) plus a random 2 to 10 minutes of the fetch get
 * their expiry moved to that point after the fetch, so up to 25 minutes ahead. botocore then refreshes 15 minutes
 * before the expiry it believes in: a set fetched with less than 25 minutes left is used for up to 10 minutes,
 * whatever its real expiry. Fetched with 3 minutes left, botocore signs with it for up to 7 minutes after it expired.
 */
const BOTOCORE_MAX_EXTENSION_MS = 25 * MINUTE_MS;
const BOTOCORE_ADVISORY_REFRESH_MS = 15 * MINUTE_MS;
/** Clock differences between the sidecar and its clients, and the time an answer takes to be used. */
const MARGIN_MS = MINUTE_MS;

/**
 * The IMDS route never hands out credentials with less than this left (11 minutes): botocore may use what it fetches
 * for up to 10 minutes ({@link BOTOCORE_MAX_EXTENSION_MS} minus its 15-minute advisory refresh), even past expiry.
 */
export const IMDS_MIN_REMAINING_MS = BOTOCORE_MAX_EXTENSION_MS - BOTOCORE_ADVISORY_REFRESH_MS + MARGIN_MS;

/**
 * The refresh windows of `serve`: callers wait for a refresh once 26 minutes are left, so while refreshes succeed
 * every IMDS answer has more than botocore's 25-minute extension window left and botocore never extends anything; a
 * background refresh starts up to 15 minutes earlier (or at the SDKs' default window when that is longer), to retry
 * through an outage before anyone waits. `withRefresh` caps both windows to a share of the lifetime, so sessions
 * shorter than 52 minutes get less: for those the IMDS route asks for a refresh itself (see `createServedCredentials`).
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
