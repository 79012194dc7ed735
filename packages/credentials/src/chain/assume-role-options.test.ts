import { describe, expect, it } from "vitest";
import { fromEnvironmentAware } from "../from-environment-aware.js";
import { defaultChainedSessionName } from "./assume-role-options.js";

const ROLE_B = "arn:aws:iam::444455556666:role/reports";

describe("the assumeRole option of fromEnvironmentAware", () => {
  it.each([
    [{ roleArn: "arn:aws:iam::444455556666:user/bob" }, /assumeRole\.roleArn must be an IAM role ARN/],
    [{ roleArn: ROLE_B, durationSeconds: 3601 }, /assumeRole\.durationSeconds must be an integer from 900 to 3600 \(STS limits role chaining to one hour\)/],
    [{ roleArn: ROLE_B, durationSeconds: 899 }, /assumeRole\.durationSeconds/],
    [{ roleArn: ROLE_B, roleSessionName: "a b" }, /assumeRole\.roleSessionName must be 2 to 64 characters/],
    [{ roleArn: ROLE_B, externalId: "x" }, /assumeRole\.externalId must be 2 to 1224 characters/],
    [{ roleArn: ROLE_B, policy: "" }, /assumeRole\.policy must be a non-empty string/],
    [{ roleArn: ROLE_B, stsTimeouts: { timeoutMs: 0 } }, /assumeRole\.stsTimeouts\.timeoutMs/],
  ])("refuses %o synchronously, naming the field and its rule", (assumeRole, message) => {
    expect(() => fromEnvironmentAware({ assumeRole: assumeRole as never })).toThrow(TypeError);
    expect(() => fromEnvironmentAware({ assumeRole: assumeRole as never })).toThrow(message);
  });

  it("accepts a complete, valid chain without reading or fetching anything", () => {
    expect(() =>
      fromEnvironmentAware({ assumeRole: { roleArn: ROLE_B, externalId: "shop-42", roleSessionName: "orders", durationSeconds: 3600, policy: "{}" } }),
    ).not.toThrow();
  });
});

describe(defaultChainedSessionName.name, () => {
  it("is the host name (a pod's name) with other characters replaced", () => {
    expect(defaultChainedSessionName("orders-7d9f8c-x2k4q")).toBe("orders-7d9f8c-x2k4q");
    expect(defaultChainedSessionName("host name/with:odd*chars")).toBe("host-name-with-odd-chars");
    expect(defaultChainedSessionName("x".repeat(80))).toHaveLength(64);
    expect(defaultChainedSessionName("")).toBe("workload-identity");
  });
});
