import { describe, expect, it } from "vitest";
import { DEFAULT_REFRESH_TIMEOUT_MS, refreshOptionsAbove } from "./options.js";

describe(refreshOptionsAbove.name, () => {
  it("raises the refresh deadline above a source timeout longer than the default, keeping every other option", () => {
    const onEvent = () => {};
    expect(refreshOptionsAbove({ jitter: false, onEvent }, 60_000)).toEqual({ jitter: false, onEvent, refreshTimeoutMs: 65_000 });
  });

  it("keeps the default for a source timeout well under it, and a deadline the caller set always", () => {
    expect(refreshOptionsAbove({}, 10_000)).toEqual({});
    expect(refreshOptionsAbove({}, undefined)).toEqual({});
    expect(refreshOptionsAbove({ refreshTimeoutMs: 20_000 }, 60_000)).toEqual({ refreshTimeoutMs: 20_000 });
    expect(DEFAULT_REFRESH_TIMEOUT_MS).toBe(30_000);
  });
});
