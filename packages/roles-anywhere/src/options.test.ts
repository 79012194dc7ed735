import { afterEach, describe, expect, it, vi } from "vitest";
import { type FromRolesAnywhereInit, resolveSessionsUrl, validateRolesAnywhereOptions } from "./options.js";

const valid: FromRolesAnywhereInit = {
  certificate: "/mnt/credentials/tls.crt",
  privateKey: "/mnt/credentials/tls.key",
  trustAnchorArn: "arn:aws:rolesanywhere:eu-west-1:111122223333:trust-anchor/6a1c8d2e-0f4b-4c57-9d3a-1b2c3d4e5f60",
  profileArn: "arn:aws:rolesanywhere:eu-west-1:111122223333:profile/0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b",
  roleArn: "arn:aws:iam::111122223333:role/platform/workload",
};
const withOption = (patch: Record<string, unknown>) => ({ ...valid, ...patch }) as FromRolesAnywhereInit;

afterEach(() => vi.unstubAllEnvs());

describe(validateRolesAnywhereOptions.name, () => {
  it("applies the defaults: the trust anchor's region, 3600 seconds, 10 s timeout, the role's account", () => {
    expect(validateRolesAnywhereOptions(valid)).toMatchObject({
      region: "eu-west-1",
      durationSeconds: 3600,
      timeoutMs: 10_000,
      accountId: "111122223333",
      roleSessionName: undefined,
      endpoint: undefined,
    });
  });

  it.each([
    ["certificate", { certificate: "" }],
    ["certificate", { certificate: undefined }],
    ["privateKey", { privateKey: new Uint8Array() }],
    ["certificateChain", { certificateChain: 42 }],
    ["passphrase", { passphrase: 1234 }],
    ["region", { region: "Europe" }],
    ["roleSessionName", { roleSessionName: "x" }],
    ["roleSessionName", { roleSessionName: "has space" }],
    ["roleSessionName", { roleSessionName: "a".repeat(65) }],
    ["endpoint", { endpoint: "rolesanywhere.eu-west-1.amazonaws.com" }],
    ["endpoint", { endpoint: "ftp://example.test" }],
    ["timeoutMs", { timeoutMs: 0 }],
    ["fetch", { fetch: "curl" }],
    ["now", { now: Date.now() }],
    ["logger", { logger: "console" }],
    ["useFipsEndpoint", { useFipsEndpoint: "true" }],
    ["useDualstackEndpoint", { useDualstackEndpoint: 1 }],
  ])("refuses a bad %s with ROLES_ANYWHERE_INVALID_OPTION naming it", (option, patch) => {
    expect(() => validateRolesAnywhereOptions(withOption(patch))).toThrow(
      expect.objectContaining({ code: "ROLES_ANYWHERE_INVALID_OPTION", option, tryNextLink: false, message: expect.stringContaining(option) }),
    );
  });

  it.each([
    ["trustAnchorArn", undefined],
    ["trustAnchorArn", "arn:aws:rolesanywhere:eu-west-1:111122223333:profile/0e9d8c7b"],
    ["trustAnchorArn", "arn:aws:iam::111122223333:trust-anchor/abc"],
    ["trustAnchorArn", "arn:aws:rolesanywhere:eu-west-1:1111:trust-anchor/abc"],
    ["profileArn", "arn:aws:rolesanywhere::111122223333:profile/abc"],
    ["profileArn", "profile/abc"],
    ["roleArn", "arn:aws:iam::111122223333:user/someone"],
    ["roleArn", "arn:aws:iam:eu-west-1:111122223333:role/workload"],
    ["roleArn", "workload"],
  ])("refuses a malformed %s (%s) with ROLES_ANYWHERE_INVALID_ARN", (option, value) => {
    expect(() => validateRolesAnywhereOptions(withOption({ [option]: value }))).toThrow(
      expect.objectContaining({ code: "ROLES_ANYWHERE_INVALID_ARN", option, message: expect.stringMatching(/arn:aws:/) }),
    );
  });

  it("refuses a trust anchor and a profile of different regions", () => {
    expect(() =>
      validateRolesAnywhereOptions(withOption({ profileArn: valid.profileArn.replace("eu-west-1", "us-east-1") })),
    ).toThrow(
      expect.objectContaining({
        code: "ROLES_ANYWHERE_REGION_MISMATCH",
        message: expect.stringContaining("eu-west-1 but the profile is in us-east-1"),
      }),
    );
  });

  it("refuses a region outside the ARNs' partition, from the SDK's partition table", () => {
    expect(() => validateRolesAnywhereOptions(withOption({ region: "cn-north-1" }))).toThrow(
      expect.objectContaining({
        code: "ROLES_ANYWHERE_REGION_MISMATCH",
        option: "region",
        message: expect.stringContaining("cn-north-1 is in the aws-cn partition but the ARNs are in aws"),
      }),
    );
  });

  it.each([899, 43_201, 3600.5, Number.NaN, "3600"])("refuses durationSeconds %s", (durationSeconds) => {
    expect(() => validateRolesAnywhereOptions(withOption({ durationSeconds }))).toThrow(
      expect.objectContaining({ code: "ROLES_ANYWHERE_INVALID_DURATION", message: expect.stringContaining("900 to 43200") }),
    );
  });

  it.each([900, 43_200])("accepts durationSeconds %s", (durationSeconds) => {
    expect(validateRolesAnywhereOptions(withOption({ durationSeconds })).durationSeconds).toBe(durationSeconds);
  });

  it("accepts role paths and the other partitions", () => {
    const cn = validateRolesAnywhereOptions({
      ...valid,
      trustAnchorArn: "arn:aws-cn:rolesanywhere:cn-north-1:111122223333:trust-anchor/abc",
      profileArn: "arn:aws-cn:rolesanywhere:cn-north-1:111122223333:profile/def",
      roleArn: "arn:aws-cn:iam::111122223333:role/a/b/c",
    });
    expect(resolveSessionsUrl(cn).href).toBe("https://rolesanywhere.cn-north-1.amazonaws.com.cn/sessions");
    const iso = validateRolesAnywhereOptions({
      ...valid,
      trustAnchorArn: "arn:aws-iso:rolesanywhere:us-iso-east-1:111122223333:trust-anchor/abc",
      profileArn: "arn:aws-iso:rolesanywhere:us-iso-east-1:111122223333:profile/def",
      roleArn: "arn:aws-iso:iam::111122223333:role/r",
      useFipsEndpoint: true,
    });
    expect(iso.dnsSuffix).toBe("c2s.ic.gov");
    expect(resolveSessionsUrl(iso).href).toBe("https://rolesanywhere-fips.us-iso-east-1.c2s.ic.gov/sessions");
  });
});

describe(resolveSessionsUrl.name, () => {
  const options = validateRolesAnywhereOptions(valid);

  it("defaults to the regional endpoint", () => {
    expect(resolveSessionsUrl(options).href).toBe("https://rolesanywhere.eu-west-1.amazonaws.com/sessions");
    expect(resolveSessionsUrl({ ...options, region: "us-east-2" }).host).toBe("rolesanywhere.us-east-2.amazonaws.com");
  });

  it("reads AWS_USE_FIPS_ENDPOINT and AWS_USE_DUALSTACK_ENDPOINT at call time", () => {
    vi.stubEnv("AWS_USE_FIPS_ENDPOINT", "true");
    expect(resolveSessionsUrl(options).host).toBe("rolesanywhere-fips.eu-west-1.amazonaws.com");
    vi.stubEnv("AWS_USE_DUALSTACK_ENDPOINT", "true");
    expect(resolveSessionsUrl(options).host).toBe("rolesanywhere-fips.eu-west-1.api.aws");
    expect(resolveSessionsUrl({ ...options, useFipsEndpoint: false }).host).toBe("rolesanywhere.eu-west-1.api.aws");
  });

  it("prefers endpoint, then AWS_ENDPOINT_URL_ROLESANYWHERE (read at call time)", () => {
    vi.stubEnv("AWS_ENDPOINT_URL_ROLESANYWHERE", "http://127.0.0.1:8443/");
    expect(resolveSessionsUrl(options).href).toBe("http://127.0.0.1:8443/sessions");
    expect(resolveSessionsUrl({ ...options, endpoint: "https://vpce.example.test/base/" }).href).toBe(
      "https://vpce.example.test/base/sessions",
    );
  });
});
