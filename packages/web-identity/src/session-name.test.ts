import { describe, expect, it } from "vitest";
import { defaultSessionName, SESSION_NAME_PATTERN } from "./session-name.js";

describe(defaultSessionName.name, () => {
  it("names a service account NAMESPACE.NAME with a short suffix", () => {
    expect(defaultSessionName("system:serviceaccount:shop:orders", () => 0.5)).toMatch(/^shop\.orders@[0-9a-z]{6}$/);
  });

  it("keeps the suffix six characters for any random() in [0, 1], 1 included", () => {
    expect(defaultSessionName("system:serviceaccount:a:b", () => 0)).toBe("a.b@000000");
    expect(defaultSessionName("system:serviceaccount:a:b", () => 1)).toBe("a.b@zzzzzz");
  });

  it("gives two providers different suffixes", () => {
    expect(defaultSessionName("system:serviceaccount:a:b", () => 0.1)).not.toBe(defaultSessionName("system:serviceaccount:a:b", () => 0.2));
  });

  it("stays within 64 characters for long names", () => {
    const name = defaultSessionName(`system:serviceaccount:${"n".repeat(63)}:${"s".repeat(253)}`);
    expect(name).toHaveLength(64);
    expect(name).toMatch(SESSION_NAME_PATTERN);
  });

  it("replaces characters STS refuses in other subjects", () => {
    const name = defaultSessionName("repo:org/app:ref:refs/heads/main");
    expect(name).toMatch(SESSION_NAME_PATTERN);
    expect(name.startsWith("repo-org-app-ref-refs-heads-main@")).toBe(true);
  });

  it("falls back to web-identity without a subject", () => {
    expect(defaultSessionName(undefined)).toMatch(/^web-identity@[0-9a-z]{6}$/);
  });
});
