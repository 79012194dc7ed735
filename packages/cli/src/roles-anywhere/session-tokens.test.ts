import { describe, expect, it } from "vitest";
import { createSessionTokens } from "./session-tokens.js";

describe(createSessionTokens.name, () => {
  it("knows a token until its TTL has passed", () => {
    let now = 1_000_000;
    const tokens = createSessionTokens({ now: () => now });
    const token = tokens.issue(10);
    expect(tokens.remainingSeconds(token)).toBe(10);
    now += 9_500;
    expect(tokens.remainingSeconds(token)).toBe(1);
    now += 500;
    expect(tokens.remainingSeconds(token)).toBeUndefined();
  });

  it("issues distinct, unguessable tokens", () => {
    const tokens = createSessionTokens();
    const issued = new Set(Array.from({ length: 50 }, () => tokens.issue(60)));
    expect(issued.size).toBe(50);
    for (const token of issued) expect(token).toMatch(/^[\w-]{64}$/);
  });

  it("keeps every token valid through a flood of new ones (nothing is evicted)", () => {
    const now = 0;
    const tokens = createSessionTokens({ now: () => now });
    const first = tokens.issue(21_600);
    const short = tokens.issue(5);
    for (let i = 0; i < 10_000; i += 1) tokens.issue(21_600);
    expect(tokens.remainingSeconds(first)).toBe(21_600);
    expect(tokens.remainingSeconds(short)).toBe(5);
  });

  it("refuses a token it did not issue: altered, truncated, from another process, or not a token at all", () => {
    const tokens = createSessionTokens({ now: () => 0 });
    const token = tokens.issue(60);
    const bytes = Buffer.from(token, "base64url");
    bytes.writeBigUInt64BE(BigInt(10 ** 12)); // a later expiry, with the old signature
    expect(tokens.remainingSeconds(bytes.toString("base64url"))).toBeUndefined();
    expect(tokens.remainingSeconds(token.slice(0, -1))).toBeUndefined();
    for (const at of [0, 20, 40, 63]) {
      const altered = `${token.slice(0, at)}${token[at] === "A" ? "B" : "A"}${token.slice(at + 1)}`;
      expect(tokens.remainingSeconds(altered)).toBeUndefined();
    }
    expect(tokens.remainingSeconds(createSessionTokens({ now: () => 0 }).issue(60))).toBeUndefined();
    expect(tokens.remainingSeconds("")).toBeUndefined();
    expect(tokens.remainingSeconds("not a token")).toBeUndefined();
  });
});
