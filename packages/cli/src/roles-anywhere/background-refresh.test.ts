import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startBackgroundRefresh } from "./background-refresh.js";

describe(startBackgroundRefresh.name, () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("asks the provider at every interval until stopped", async () => {
    const tick = vi.fn(() => Promise.resolve());
    const refresher = startBackgroundRefresh({ tick, intervalMs: 1_000 });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(tick).toHaveBeenCalledTimes(3);
    refresher.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(tick).toHaveBeenCalledTimes(3);
  });

  it("never overlaps a slow call and survives failures", async () => {
    let release: () => void = () => undefined;
    const tick = vi
      .fn<() => Promise<unknown>>()
      .mockImplementationOnce(() => new Promise<void>((resolve) => (release = resolve)))
      .mockRejectedValue(new Error("CreateSession failed"));
    const refresher = startBackgroundRefresh({ tick, intervalMs: 1_000 });
    await vi.advanceTimersByTimeAsync(3_000);
    expect(tick).toHaveBeenCalledTimes(1);
    release();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(tick).toHaveBeenCalledTimes(3);
    refresher.stop();
  });
});
