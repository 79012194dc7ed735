import { describe, expect, it } from "vitest";
import { retryVisibilitySeconds } from "./retry-delay.js";

describe(retryVisibilitySeconds.name, () => {
  it("retries a first failure at once, then waits 1, 3, 7… seconds, capped by the visibility timeout", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryVisibilitySeconds(n, 30))).toEqual([0, 1, 3, 7, 15, 30, 30]);
  });

  it("treats a missing receive count as the first delivery", () => {
    expect(retryVisibilitySeconds(Number.NaN, 30)).toBe(0);
  });
});
