import { afterEach, describe, expect, it, vi } from "vitest";
import { REQUIRE_TOOLS_VARIABLE, skipUnlessRequired } from "./required-tools.js";

afterEach(() => vi.unstubAllEnvs());

describe(skipUnlessRequired.name, () => {
  it("passes the reason on (a skip) unless the tools are required", () => {
    vi.stubEnv(REQUIRE_TOOLS_VARIABLE, undefined);
    expect(skipUnlessRequired("tinyproxy is not installed")).toBe("tinyproxy is not installed");
    expect(skipUnlessRequired(undefined)).toBeUndefined();
  });

  it("throws for a missing tool when CI requires them, and lets an available one run", () => {
    vi.stubEnv(REQUIRE_TOOLS_VARIABLE, "1");
    expect(() => skipUnlessRequired("tinyproxy is not installed")).toThrow(/WORKLOAD_IDENTITY_REQUIRE_TOOLS=1 but tinyproxy is not installed/);
    expect(skipUnlessRequired(undefined)).toBeUndefined();
  });
});
