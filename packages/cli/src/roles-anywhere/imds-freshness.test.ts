import { describe, expect, it } from "vitest";
import { IMDS_MIN_REMAINING_MS, serveRefreshWindows } from "./imds-freshness.js";

const MINUTE_MS = 60_000;

describe(serveRefreshWindows.name, () => {
  it("makes one-hour sessions wait for a refresh with 26 minutes left, above botocore's 25-minute extension window", () => {
    expect(serveRefreshWindows(3600)).toEqual({ mustRefreshBeforeMs: 26 * MINUTE_MS, refreshBeforeMs: 41 * MINUTE_MS });
  });

  it("keeps the SDKs' one-hour advisory window for long sessions", () => {
    expect(serveRefreshWindows(43_200)).toEqual({ mustRefreshBeforeMs: 26 * MINUTE_MS, refreshBeforeMs: 60 * MINUTE_MS });
  });

  it("fits the windows into the shortest session", () => {
    expect(serveRefreshWindows(900)).toEqual({ mustRefreshBeforeMs: 7.5 * MINUTE_MS, refreshBeforeMs: 11.25 * MINUTE_MS });
  });
});

describe("IMDS_MIN_REMAINING_MS", () => {
  it("is botocore's longest use of a fetched set (10 minutes) plus a minute", () => {
    expect(IMDS_MIN_REMAINING_MS).toBe(11 * MINUTE_MS);
  });
});
