import { describe, expect, it } from "vitest";
import { stsSessionCredentials } from "./sts-credentials.js";

const EXPIRATION = new Date("2030-01-01T01:00:00Z");
const complete = { AccessKeyId: "ASIAEXAMPLE", SecretAccessKey: "secret", SessionToken: "token", Expiration: EXPIRATION };

describe(stsSessionCredentials.name, () => {
  it("takes the four parts and the assumed role's account", () => {
    expect(
      stsSessionCredentials({ Credentials: complete, AssumedRoleUser: { Arn: "arn:aws:sts::123456789012:assumed-role/orders/s-1" } }),
    ).toEqual({ accessKeyId: "ASIAEXAMPLE", secretAccessKey: "secret", sessionToken: "token", expiration: EXPIRATION, accountId: "123456789012" });
  });

  it.each([
    ["no AssumedRoleUser", undefined],
    ["an ARN without an account (radosgw)", "arn:aws:sts:::assumed-role/orders/s-1"],
    ["a value that is not an ARN", "assumed-role:123456789012"],
  ])("leaves accountId out for %s", (_, arn) => {
    const credentials = stsSessionCredentials({ Credentials: complete, AssumedRoleUser: arn === undefined ? undefined : { Arn: arn } });
    expect(credentials).toBeDefined();
    expect(credentials).not.toHaveProperty("accountId");
  });

  it.each(["AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"] as const)("gives nothing when %s is missing", (part) => {
    expect(stsSessionCredentials({ Credentials: { ...complete, [part]: undefined } })).toBeUndefined();
    expect(stsSessionCredentials({})).toBeUndefined();
  });
});
