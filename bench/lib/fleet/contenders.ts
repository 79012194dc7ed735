// The two credential caches the fleet simulation compares, each wired to the run's virtual clock.
import { withRefresh } from "@workload-identity/refresh";
import { SDK_REFRESH_WINDOW_MS, sdkMemoize } from "../sdk-memoize.js";
import type { Contender } from "@workload-identity/testing";

/** `withRefresh` with its defaults; only the clock, its timers and the random source are the simulation's. */
export const withRefreshContender: Contender = {
  name: "withRefresh",
  create: (source, { clock, random }) => withRefresh(source, { now: clock.now, setTimer: clock.setTimer, random }),
};

/**
 * The SDK's behaviour: smithy `memoize` refreshing when under 5 minutes remain. Its calls are cheap to skip exactly:
 * before the refresh window it returns what it resolved last, and while a refresh is pending every call awaits it.
 */
export const sdkMemoizeContender: Contender = {
  name: "SDK memoize",
  create: (source, { clock }) => sdkMemoize(source, clock.now),
  quietUntil: (credentials) => (credentials.expiration?.getTime() ?? Number.POSITIVE_INFINITY) - SDK_REFRESH_WINDOW_MS,
  joinsPendingCall: true,
};
