import { describe, expect, it } from "vitest";
import { loadConfig, parseAddress } from "./config.js";
import { ConfigError } from "./errors.js";

const valid = {
  QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/orders",
  AWS_REGION: "eu-west-1",
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => p.variable);
  }
  throw new Error("expected a ConfigError");
}

describe(loadConfig.name, () => {
  it("applies the documented defaults", () => {
    expect(loadConfig(valid)).toEqual({
      queueUrl: valid.QUEUE_URL,
      region: "eu-west-1",
      probeHost: "0.0.0.0",
      probePort: 8080,
      concurrency: 1,
      batchSize: 10,
      waitTimeSeconds: 20,
      visibilityTimeoutSeconds: 30,
      shutdownTimeoutMs: 25_000,
      logLevel: "info",
      endpointOverridden: false,
    });
  });

  it("reads every variable", () => {
    const config = loadConfig({
      ...valid,
      STATUS_PROBE_ADDR: "[::]:9090",
      CONCURRENCY: "4",
      BATCH_SIZE: "5",
      WAIT_TIME_SECONDS: "0",
      VISIBILITY_TIMEOUT: "120",
      SHUTDOWN_TIMEOUT_MS: "5000",
      LOG_LEVEL: "DEBUG",
      AWS_ENDPOINT_URL_SQS: "http://127.0.0.1:4566",
    });
    expect(config).toMatchObject({
      probeHost: "::",
      probePort: 9090,
      concurrency: 4,
      batchSize: 5,
      waitTimeSeconds: 0,
      visibilityTimeoutSeconds: 120,
      shutdownTimeoutMs: 5000,
      logLevel: "debug",
      endpointOverridden: true,
    });
  });

  it("lists every bad or missing value at once, not only the first", () => {
    const env = {
      STATUS_PROBE_ADDR: "8080",
      CONCURRENCY: "0",
      BATCH_SIZE: "11",
      WAIT_TIME_SECONDS: "21",
      VISIBILITY_TIMEOUT: "ten",
      SHUTDOWN_TIMEOUT_MS: "-1",
      LOG_LEVEL: "loud",
    };
    expect(problemsOf(env)).toEqual([
      "QUEUE_URL",
      "AWS_REGION",
      "STATUS_PROBE_ADDR",
      "CONCURRENCY",
      "BATCH_SIZE",
      "WAIT_TIME_SECONDS",
      "VISIBILITY_TIMEOUT",
      "SHUTDOWN_TIMEOUT_MS",
      "LOG_LEVEL",
    ]);
  });

  it("says what to fix, with a stable code", () => {
    expect(() => loadConfig({ ...valid, BATCH_SIZE: "0" })).toThrow(
      expect.objectContaining({
        code: "CONFIG_INVALID",
        tryNextLink: false,
        message: expect.stringContaining('BATCH_SIZE must be a whole number from 1 to 10 (got "0")'),
      }),
    );
  });

  it("never picks a region silently: AWS_DEFAULT_REGION is the only fallback", () => {
    expect(loadConfig({ QUEUE_URL: valid.QUEUE_URL, AWS_DEFAULT_REGION: "us-west-2" }).region).toBe("us-west-2");
    expect(problemsOf({ QUEUE_URL: valid.QUEUE_URL })).toEqual(["AWS_REGION"]);
    expect(problemsOf({ ...valid, AWS_REGION: "Europe" })).toEqual(["AWS_REGION"]);
  });

  it("rejects a queue URL that is not an http(s) URL with a path", () => {
    expect(problemsOf({ ...valid, QUEUE_URL: "orders" })).toEqual(["QUEUE_URL"]);
    expect(problemsOf({ ...valid, QUEUE_URL: "ftp://example.com/q" })).toEqual(["QUEUE_URL"]);
  });

  it("reads role chaining: ASSUME_ROLE_ARN, with ASSUME_ROLE_EXTERNAL_ID when its trust policy asks for one", () => {
    const roleArn = "arn:aws:iam::444455556666:role/reports";
    expect(loadConfig({ ...valid, ASSUME_ROLE_ARN: roleArn }).assumeRole).toEqual({ roleArn });
    expect(loadConfig({ ...valid, ASSUME_ROLE_ARN: roleArn, ASSUME_ROLE_EXTERNAL_ID: "shop-42" }).assumeRole).toEqual({ roleArn, externalId: "shop-42" });
    expect(loadConfig({ ...valid, ASSUME_ROLE_ARN: " " }).assumeRole).toBeUndefined();
  });

  it("refuses a role ARN or an external id that STS would refuse, and an external id without a role", () => {
    expect(problemsOf({ ...valid, ASSUME_ROLE_ARN: "arn:aws:iam::444455556666:user/reports" })).toEqual(["ASSUME_ROLE_ARN"]);
    expect(problemsOf({ ...valid, ASSUME_ROLE_ARN: "arn:aws:iam::444455556666:role/reports", ASSUME_ROLE_EXTERNAL_ID: "x" })).toEqual([
      "ASSUME_ROLE_EXTERNAL_ID",
    ]);
    expect(problemsOf({ ...valid, ASSUME_ROLE_EXTERNAL_ID: "shop-42" })).toEqual(["ASSUME_ROLE_EXTERNAL_ID"]);
  });

  it("ignores endpoint overrides when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true, as the SDK does", () => {
    const env = { ...valid, AWS_ENDPOINT_URL: "http://127.0.0.1:1", AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" };
    expect(loadConfig(env).endpointOverridden).toBe(false);
  });
});

describe(parseAddress.name, () => {
  it.each([
    ["0.0.0.0:8080", { host: "0.0.0.0", port: 8080 }],
    ["127.0.0.1:0", { host: "127.0.0.1", port: 0 }],
    ["[::1]:80", { host: "::1", port: 80 }],
    ["localhost:65535", { host: "localhost", port: 65535 }],
  ])("parses %s", (input, expected) => {
    expect(parseAddress(input)).toEqual(expected);
  });

  it.each(["8080", ":8080", "host:", "host:65536", "::1:80", "a:b:c"])("rejects %s", (input) => {
    expect(parseAddress(input)).toBeUndefined();
  });
});
