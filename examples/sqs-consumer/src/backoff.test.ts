import { describe, expect, it } from "vitest";
import { backoffDelayMs, retryVisibilitySeconds } from "./backoff.js";

describe(backoffDelayMs.name, () => {
  it("doubles the ceiling with each consecutive failure, up to the maximum", () => {
    const top = { random: () => 0.999_999, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, top))).toEqual([99, 199, 399, 799, 999, 999]);
  });

  it("spreads waits uniformly below the ceiling (full jitter)", () => {
    expect(backoffDelayMs(3, { random: () => 0, baseDelayMs: 100 })).toBe(0);
    expect(backoffDelayMs(3, { random: () => 0.5, baseDelayMs: 100 })).toBe(200);
  });

  it("does not wait before any failure", () => {
    expect(backoffDelayMs(0)).toBe(0);
  });

  it("stays finite after very many failures", () => {
    expect(backoffDelayMs(10_000, { random: () => 0.5 })).toBe(15_000);
  });
});

describe(retryVisibilitySeconds.name, () => {
  it("retries a first failure at once, then waits 1, 3, 7… seconds, capped by the visibility timeout", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryVisibilitySeconds(n, 30))).toEqual([0, 1, 3, 7, 15, 30, 30]);
  });

  it("treats a missing receive count as the first delivery", () => {
    expect(retryVisibilitySeconds(Number.NaN, 30)).toBe(0);
  });
});
