import { describe, expect, it } from "vitest";
import { createTokenTable } from "./token-table.js";

describe(createTokenTable.name, () => {
  it("knows a token until its TTL has passed", () => {
    let now = 1_000_000;
    const table = createTokenTable({ now: () => now });
    const token = table.issue(10);
    expect(table.remainingSeconds(token)).toBe(10);
    now += 9_500;
    expect(table.remainingSeconds(token)).toBe(1);
    now += 500;
    expect(table.remainingSeconds(token)).toBeUndefined();
    expect(table.size).toBe(0);
  });

  it("issues distinct, unguessable tokens", () => {
    const table = createTokenTable();
    const tokens = new Set(Array.from({ length: 50 }, () => table.issue(60)));
    expect(tokens.size).toBe(50);
    for (const token of tokens) expect(token).toMatch(/^[\w-]{56}$/);
  });

  it("stays bounded by evicting the earliest-expiring token", () => {
    const now = 0;
    const table = createTokenTable({ maxTokens: 3, now: () => now });
    const short = table.issue(5);
    const long = table.issue(500);
    const medium = table.issue(50);
    const newest = table.issue(100);
    expect(table.size).toBe(3);
    expect(table.remainingSeconds(short)).toBeUndefined();
    for (const token of [long, medium, newest]) expect(table.remainingSeconds(token)).toBeGreaterThan(0);
  });

  it("drops expired tokens when issuing, before evicting live ones", () => {
    let now = 0;
    const table = createTokenTable({ maxTokens: 2, now: () => now });
    const expiring = table.issue(1);
    const live = table.issue(1000);
    now = 2_000;
    const next = table.issue(10);
    expect(table.size).toBe(2);
    expect(table.remainingSeconds(expiring)).toBeUndefined();
    expect(table.remainingSeconds(live)).toBe(998);
    expect(table.remainingSeconds(next)).toBe(10);
  });
});
