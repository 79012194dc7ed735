import { AssumeRoleWithWebIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { UnsecuredJWT } from "jose";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fromTokenFile } from "./from-token-file.js";

const ROLE = "arn:aws:iam::123456789012:role/app";
const FILE = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token";
const NOW = Date.parse("2026-11-23T10:00:00Z");
const sts = mockClient(STSClient);

const mintToken = (claims: Record<string, unknown> = {}) =>
  new UnsecuredJWT({
    iss: "https://oidc.example/id/1",
    sub: "system:serviceaccount:shop:orders",
    aud: ["sts.amazonaws.com"],
    iat: NOW / 1000 - 60,
    exp: NOW / 1000 + 3600,
    ...claims,
  }).encode();

const stsOutput = (arn = "arn:aws:sts::123456789012:assumed-role/app/s") => ({
  Credentials: { AccessKeyId: "ASIAEXAMPLE", SecretAccessKey: "secret", SessionToken: "session", Expiration: new Date(NOW + 3_600_000) },
  AssumedRoleUser: { Arn: arn, AssumedRoleId: "AROA:s" },
  $metadata: { requestId: "req-ok" },
});

const stsError = (name: string, status: number, fault: "client" | "server" = "client") =>
  new STSServiceException({ name, $fault: fault, message: `${name} from STS`, $metadata: { httpStatusCode: status, requestId: `req-${name}` } });

const files = (content: string | (() => Promise<string>)) => vi.fn(typeof content === "string" ? () => Promise.resolve(content) : content);
const base = (init: Parameters<typeof fromTokenFile>[0] = {}) =>
  fromTokenFile({ now: () => NOW, sleep: () => Promise.resolve(), readFile: files(mintToken()), ...init });

describe(fromTokenFile.name, () => {
  beforeEach(() => {
    sts.reset();
    sts.on(AssumeRoleWithWebIdentityCommand).resolves(stsOutput());
    vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", FILE);
    vi.stubEnv("AWS_ROLE_ARN", ROLE);
    vi.stubEnv("AWS_ROLE_SESSION_NAME", "");
    vi.stubEnv("AWS_REGION", "eu-west-1");
    vi.stubEnv("AWS_DEFAULT_REGION", "");
    vi.stubEnv("AWS_STS_REGIONAL_ENDPOINTS", "");
  });
  afterEach(() => vi.unstubAllEnvs());

  describe("options", () => {
    it.each([
      [{ roleArn: "app" }, /roleArn/],
      [{ roleSessionName: "has space" }, /roleSessionName/],
      [{ durationSeconds: 899 }, /durationSeconds/],
      [{ durationSeconds: 43_201 }, /durationSeconds/],
      [{ webIdentityTokenFile: "" }, /webIdentityTokenFile/],
      [{ stsRetry: { maxAttempts: 0 } }, /stsRetry.maxAttempts/],
      [{ refresh: { mustRefreshBeforeMs: -1 } }, /mustRefreshBeforeMs/],
    ])("rejects %o synchronously with a TypeError naming the option", (init, name) => {
      expect(() => fromTokenFile(init)).toThrowError(TypeError);
      expect(() => fromTokenFile(init)).toThrowError(name);
    });

    it("does no I/O until called", () => {
      const readFile = files(mintToken());
      fromTokenFile({ readFile });
      expect(readFile).not.toHaveBeenCalled();
      expect(sts.calls()).toHaveLength(0);
    });
  });

  describe("configuration", () => {
    it("tells a chain to move on when neither the token file nor the role is set", async () => {
      vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", "");
      vi.stubEnv("AWS_ROLE_ARN", "");
      await expect(base()()).rejects.toMatchObject({ code: "WEB_IDENTITY_NOT_CONFIGURED", tryNextLink: true });
    });

    it.each([
      ["AWS_ROLE_ARN", "AWS_ROLE_ARN"],
      ["AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_WEB_IDENTITY_TOKEN_FILE"],
    ])("names the missing %s when only the other is set, and stops the chain", async (unset, named) => {
      vi.stubEnv(unset, "");
      const error = await base()().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "WEB_IDENTITY_INCOMPLETE_CONFIGURATION", tryNextLink: false });
      expect((error as Error).message).toContain(named);
    });

    it("reads the environment when called, not when created", async () => {
      vi.stubEnv("AWS_ROLE_ARN", "");
      const provider = base();
      vi.stubEnv("AWS_ROLE_ARN", ROLE);
      vi.stubEnv("AWS_ROLE_SESSION_NAME", "from-env");
      await provider();
      expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)[0]?.args[0].input).toMatchObject({ RoleArn: ROLE, RoleSessionName: "from-env" });
    });

    it("lets init win over the environment", async () => {
      const readFile = files(mintToken());
      await base({ readFile, webIdentityTokenFile: "/other/token", roleArn: "arn:aws:iam::999999999999:role/x", roleSessionName: "mine" })();
      expect(readFile).toHaveBeenCalledWith("/other/token");
      expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)[0]?.args[0].input).toMatchObject({
        RoleArn: "arn:aws:iam::999999999999:role/x",
        RoleSessionName: "mine",
      });
    });

    it("rejects an invalid AWS_ROLE_SESSION_NAME with a typed error", async () => {
      vi.stubEnv("AWS_ROLE_SESSION_NAME", "a b");
      await expect(base()()).rejects.toMatchObject({ code: "WEB_IDENTITY_INVALID_CONFIGURATION", tryNextLink: false });
    });

    it("passes durationSeconds, policy and policyArns to STS", async () => {
      await base({ durationSeconds: 900, policy: '{"Version":"2012-10-17"}', policyArns: [{ arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }] })();
      expect(sts.commandCalls(AssumeRoleWithWebIdentityCommand)[0]?.args[0].input).toMatchObject({
        DurationSeconds: 900,
        Policy: '{"Version":"2012-10-17"}',
        PolicyArns: [{ arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }],
      });
    });
  });

  describe("token file", () => {
    it("re-reads the token file at every refresh and sends what it read", async () => {
      const tokens = [mintToken({ jti: "1" }), mintToken({ jti: "2" })];
      const readFile = vi.fn(() => Promise.resolve(`${tokens.shift() ?? ""}\n`));
      const provider = base({ readFile });
      await provider();
      await provider({ forceRefresh: true });
      const sent = sts.commandCalls(AssumeRoleWithWebIdentityCommand).map((call) => call.args[0].input.WebIdentityToken);
      expect(readFile).toHaveBeenCalledTimes(2);
      expect(sent).toHaveLength(2);
      expect(sent[0]).not.toBe(sent[1]);
      expect(sent[0]?.endsWith("\n")).toBe(false);
    });

    it("retries a read that races the kubelet's symlink swap", async () => {
      const readFile = vi
        .fn<(path: string) => Promise<string>>()
        .mockRejectedValueOnce(Object.assign(new Error("gone"), { code: "ENOENT" }))
        .mockRejectedValueOnce(Object.assign(new Error("gone"), { code: "ENOENT" }))
        .mockResolvedValue(mintToken());
      await expect(base({ readFile })()).resolves.toMatchObject({ accessKeyId: "ASIAEXAMPLE" });
      expect(readFile).toHaveBeenCalledTimes(3);
    });

    it("names the path when the file stays missing", async () => {
      const readFile = files(() => Promise.reject(Object.assign(new Error("gone"), { code: "ENOENT" })));
      const error = await base({ readFile })().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "WEB_IDENTITY_TOKEN_FILE_UNREADABLE", path: FILE, tryNextLink: false });
      expect((error as Error).message).toContain(FILE);
      expect(readFile).toHaveBeenCalledTimes(4);
    });

    it("refuses a token pasted where the path belongs, without echoing it or reading anything", async () => {
      const token = mintToken();
      const readFile = files(token);
      const error = await base({ readFile, webIdentityTokenFile: token })().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "WEB_IDENTITY_INVALID_CONFIGURATION", tryNextLink: false });
      expect(String(error)).not.toContain(token.split(".")[1]);
      expect(readFile).not.toHaveBeenCalled();
    });

    it("says what to do on a permission error, without retrying", async () => {
      const readFile = files(() => Promise.reject(Object.assign(new Error("denied"), { code: "EACCES" })));
      await expect(base({ readFile })()).rejects.toMatchObject({ code: "WEB_IDENTITY_TOKEN_FILE_UNREADABLE", message: expect.stringContaining("fsGroup") });
      expect(readFile).toHaveBeenCalledTimes(1);
    });

    it("says to point at the file when given the volume's directory", async () => {
      const readFile = files(() => Promise.reject(Object.assign(new Error("dir"), { code: "EISDIR" })));
      await expect(base({ readFile })()).rejects.toMatchObject({ code: "WEB_IDENTITY_TOKEN_FILE_UNREADABLE", message: expect.stringContaining("is a directory") });
      expect(readFile).toHaveBeenCalledTimes(1);
    });

    it("reports a file that stays empty, after retrying", async () => {
      const readFile = files("  \n");
      await expect(base({ readFile })()).rejects.toMatchObject({ code: "WEB_IDENTITY_TOKEN_FILE_EMPTY", path: FILE });
      expect(readFile).toHaveBeenCalledTimes(4);
    });

    it("retries a read that finds the file briefly empty", async () => {
      const readFile = vi.fn<(path: string) => Promise<string>>().mockResolvedValueOnce("").mockResolvedValue(mintToken());
      const sleep = vi.fn(() => Promise.resolve());
      await expect(base({ readFile, sleep })()).resolves.toMatchObject({ accessKeyId: "ASIAEXAMPLE" });
      expect(readFile).toHaveBeenCalledTimes(2);
      expect(sleep).toHaveBeenCalledTimes(1);
    });

    it.each([
      ["not a JWT", "garbage", "WEB_IDENTITY_TOKEN_MALFORMED"],
      ["past its exp", mintToken({ exp: NOW / 1000 - 1 }), "WEB_IDENTITY_TOKEN_EXPIRED"],
      ["more than a minute before its nbf", mintToken({ nbf: NOW / 1000 + 61 }), "WEB_IDENTITY_TOKEN_NOT_YET_VALID"],
    ])("fails early on a token %s, naming the file, without calling STS", async (_, token, code) => {
      const error = await base({ readFile: files(token) })().catch((e: unknown) => e);
      expect(error).toMatchObject({ code, tryNextLink: false, message: expect.stringContaining(FILE) });
      expect((error as Error).message).not.toContain(token);
      expect(sts.calls()).toHaveLength(0);
    });

    it("sends a token whose nbf is a few seconds ahead of this clock: the issuer's clock may run ahead", async () => {
      await expect(base({ readFile: files(mintToken({ nbf: NOW / 1000 + 5 })) })()).resolves.toMatchObject({ accessKeyId: "ASIAEXAMPLE" });
      expect(sts.calls()).toHaveLength(1);
    });
  });

  describe("session name", () => {
    it("builds one from the service account and keeps it across refreshes", async () => {
      const provider = base();
      await provider();
      await provider({ forceRefresh: true });
      const names = sts.commandCalls(AssumeRoleWithWebIdentityCommand).map((call) => call.args[0].input.RoleSessionName);
      expect(names[0]).toMatch(/^shop\.orders@[0-9a-z]{6}$/);
      expect(names[1]).toBe(names[0]);
    });
  });

  describe("STS client", () => {
    const regionOfCall = async (index = 0) => {
      const client = sts.call(index).thisValue as STSClient;
      return client.config.region();
    };

    it("builds one STS client and reuses it at every refresh", async () => {
      const provider = base();
      await provider();
      await provider({ forceRefresh: true });
      expect(sts.call(0).thisValue).toBe(sts.call(1).thisValue);
    });

    it.each([
      ["clientConfig.region", { AWS_REGION: "eu-west-1" }, { region: "ca-central-1" }, "ca-central-1"],
      ["AWS_REGION", { AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "us-west-2" }, {}, "eu-west-1"],
      ["AWS_DEFAULT_REGION", { AWS_REGION: "", AWS_DEFAULT_REGION: "us-west-2" }, {}, "us-west-2"],
    ])("takes the region from %s first", async (_, env, clientConfig, expected) => {
      for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
      await base({ clientConfig })();
      expect(await regionOfCall()).toBe(expected);
    });

    it("falls back to the region of the client it serves, never to us-east-1", async () => {
      vi.stubEnv("AWS_REGION", "");
      const provider = base();
      await provider({ callerClientConfig: { region: () => Promise.resolve("ap-south-1") } });
      expect(await regionOfCall()).toBe("ap-south-1");
    });

    it("fails with a typed error when no region is known", async () => {
      vi.stubEnv("AWS_REGION", "");
      await expect(base()()).rejects.toMatchObject({ code: "WEB_IDENTITY_REGION_MISSING", tryNextLink: false });
    });

    it("does its own retries: the STS client makes one attempt", async () => {
      await base()();
      expect(await (sts.call(0).thisValue as STSClient).config.maxAttempts()).toBe(1);
    });

    it("uses the global endpoint rules when AWS_STS_REGIONAL_ENDPOINTS=legacy", async () => {
      vi.stubEnv("AWS_STS_REGIONAL_ENDPOINTS", "legacy");
      await base()();
      expect((sts.call(0).thisValue as STSClient).config.useGlobalEndpoint).toBe(true);
    });

    it("uses a given stsClient as is", async () => {
      const stsClient = new STSClient({ region: "sa-east-1" });
      await base({ stsClient })();
      expect(sts.call(0).thisValue).toBe(stsClient);
    });
  });

  describe("credentials", () => {
    it("returns the session credentials with the account id of the assumed role", async () => {
      await expect(base()()).resolves.toEqual({
        accessKeyId: "ASIAEXAMPLE",
        secretAccessKey: "secret",
        sessionToken: "session",
        expiration: new Date(NOW + 3_600_000),
        accountId: "123456789012",
      });
    });

    it("leaves accountId out when the ARN has none", async () => {
      sts.on(AssumeRoleWithWebIdentityCommand).resolves(stsOutput("arn:aws:sts:::assumed-role/app/s"));
      expect(await base()()).not.toHaveProperty("accountId");
    });

    it("rejects a response without credentials", async () => {
      sts.on(AssumeRoleWithWebIdentityCommand).resolves({ $metadata: { requestId: "r1" } });
      await expect(base()()).rejects.toMatchObject({ code: "STS_INVALID_RESPONSE", requestId: "r1" });
    });
  });

  describe("STS errors", () => {
    it.each([
      ["InvalidIdentityTokenException", 400, "STS_INVALID_IDENTITY_TOKEN", "InvalidIdentityToken"],
      ["ExpiredTokenException", 400, "STS_EXPIRED_TOKEN", "ExpiredTokenException"],
      ["AccessDenied", 403, "STS_ACCESS_DENIED", "AccessDenied"],
      ["IDPRejectedClaimException", 403, "STS_IDP_REJECTED_CLAIM", "IDPRejectedClaim"],
      ["IDPCommunicationErrorException", 400, "STS_IDP_COMMUNICATION_ERROR", "IDPCommunicationError"],
      ["PackedPolicyTooLargeException", 400, "STS_PACKED_POLICY_TOO_LARGE", "PackedPolicyTooLarge"],
      ["MalformedPolicyDocumentException", 400, "STS_MALFORMED_POLICY_DOCUMENT", "MalformedPolicyDocument"],
      ["RegionDisabledException", 403, "STS_REGION_DISABLED", "RegionDisabledException"],
      ["Throttling", 400, "STS_THROTTLING", "Throttling"],
      ["ThrottlingException", 400, "STS_THROTTLING", "ThrottlingException"],
      ["ValidationError", 400, "STS_VALIDATION_ERROR", "ValidationError"],
      ["InternalFailure", 500, "STS_REQUEST_FAILED", "InternalFailure"],
    ])("maps %s to a typed error keeping STS's code, request id and message", async (name, status, code, stsCode) => {
      sts.on(AssumeRoleWithWebIdentityCommand).rejects(stsError(name, status, status >= 500 ? "server" : "client"));
      const error = await base()().catch((e: unknown) => e);
      expect(error).toMatchObject({ code, stsCode, requestId: `req-${name}`, httpStatusCode: status, tryNextLink: false });
      expect((error as Error).message).toContain(`req-${name}`);
      expect((error as Error).message).toContain(`${name} from STS`);
    });

    it("retries throttling with growing backoff, then succeeds", async () => {
      sts.on(AssumeRoleWithWebIdentityCommand)
        .rejectsOnce(stsError("Throttling", 400))
        .rejectsOnce(stsError("Throttling", 400))
        .resolves(stsOutput());
      const sleep = vi.fn(() => Promise.resolve());
      await base({ sleep, refresh: { random: () => 1 } })();
      expect(sts.calls()).toHaveLength(3);
      expect(sleep.mock.calls).toEqual([[200], [400]]);
    });

    it("gives up on transient failures after stsRetry.maxAttempts", async () => {
      sts.on(AssumeRoleWithWebIdentityCommand).rejects(stsError("IDPCommunicationErrorException", 400));
      await expect(base({ stsRetry: { maxAttempts: 2 } })()).rejects.toMatchObject({ code: "STS_IDP_COMMUNICATION_ERROR" });
      expect(sts.calls()).toHaveLength(2);
    });

    it("retries network failures", async () => {
      sts.on(AssumeRoleWithWebIdentityCommand).rejectsOnce(Object.assign(new Error("socket hang up"), { name: "Error" })).resolves(stsOutput());
      await expect(base()()).resolves.toMatchObject({ accessKeyId: "ASIAEXAMPLE" });
      expect(sts.calls()).toHaveLength(2);
    });

    it("retries InvalidIdentityToken only stsRetry.invalidIdentityTokenMaxAttempts times", async () => {
      sts.on(AssumeRoleWithWebIdentityCommand).rejects(stsError("InvalidIdentityTokenException", 400));
      await expect(base({ stsRetry: { invalidIdentityTokenMaxAttempts: 2 } })()).rejects.toMatchObject({ code: "STS_INVALID_IDENTITY_TOKEN" });
      expect(sts.calls()).toHaveLength(2);
    });

    it("reports a 4xx with a code it does not know (Ceph radosgw's errors reach the SDK as Unknown) without retrying", async () => {
      sts.on(AssumeRoleWithWebIdentityCommand).rejects(stsError("Unknown", 403));
      const error = await base()().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "STS_REQUEST_FAILED", stsCode: "Unknown", httpStatusCode: 403, tryNextLink: false });
      expect((error as Error).message).toContain("trust policy");
      expect(sts.calls()).toHaveLength(1);
    });

    it("leaves the next attempt to withRefresh's backoff once its own retries are spent: they do not multiply", async () => {
      sts.on(AssumeRoleWithWebIdentityCommand).rejects(stsError("Throttling", 400));
      let now = NOW;
      const provider = base({ refresh: { now: () => now, random: () => 1, retry: { baseDelayMs: 1_000, maxDelayWithoutCredentialsMs: 1_000 } } });
      await expect(provider()).rejects.toMatchObject({ code: "STS_THROTTLING" });
      expect(sts.calls()).toHaveLength(4);
      // Inside withRefresh's backoff a caller gets the last error at once; STS is not asked again.
      now += 999;
      await expect(provider()).rejects.toMatchObject({ code: "STS_THROTTLING" });
      expect(sts.calls()).toHaveLength(4);
      // After it, one more refresh: one more round of the provider's own attempts, no more.
      now += 1;
      await expect(provider()).rejects.toMatchObject({ code: "STS_THROTTLING" });
      expect(sts.calls()).toHaveLength(8);
    });

    it("does not retry AccessDenied", async () => {
      sts.on(AssumeRoleWithWebIdentityCommand).rejects(stsError("AccessDenied", 403));
      await expect(base()()).rejects.toMatchObject({ code: "STS_ACCESS_DENIED" });
      expect(sts.calls()).toHaveLength(1);
    });
  });
});
