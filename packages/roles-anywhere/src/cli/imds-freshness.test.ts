import { describe, expect, it } from "vitest";
import { IMDS_MIN_REMAINING_MS, serveRefreshWindows } from "./imds-freshness.js";

const MINUTE_MS = 60_000;

describe(serveRefreshWindows.name, () => {
  it("makes one-hour sessions wait for a refresh with 21 minutes left, above botocore's 20-minute extension window", () => {
    expect(serveRefreshWindows(3600)).toEqual({ mustRefreshBeforeMs: 21 * MINUTE_MS, refreshBeforeMs: 36 * MINUTE_MS });
  });

  it("keeps the SDKs' one-hour advisory window for long sessions", () => {
    expect(serveRefreshWindows(43_200)).toEqual({ mustRefreshBeforeMs: 21 * MINUTE_MS, refreshBeforeMs: 60 * MINUTE_MS });
  });

  it("fits the windows into the shortest session, above the IMDS minimum", () => {
    const windows = serveRefreshWindows(900);
    expect(windows).toEqual({ mustRefreshBeforeMs: 7.5 * MINUTE_MS, refreshBeforeMs: 11.25 * MINUTE_MS });
    expect(windows.mustRefreshBeforeMs).toBeGreaterThan(IMDS_MIN_REMAINING_MS);
  });

  it("puts the IMDS minimum at botocore's longest use of a fetched set (5 minutes) plus a minute", () => {
    expect(IMDS_MIN_REMAINING_MS).toBe(6 * MINUTE_MS);
  });
});
