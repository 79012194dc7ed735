import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { withRefresh } from "@workload-identity/refresh";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AssumeRoleError } from "../errors.js";
import type { AssumeRoleOptions } from "./assume-role-options.js";
import { createChainedSource } from "./chained-source.js";
import { assumeRoleResponse, fakeSts, stsError } from "../../test/fake-sts.js";

const ROLE_B = "arn:aws:iam::444455556666:role/reports";
const HOUR = 3_600_000;


/** A cached base source handing out AKIDBASE0001, AKIDBASE0002, … valid for `lifetimeMs`. */
function baseProvider(lifetimeMs = HOUR) {
  let issued = 0;
  const source = vi.fn(async (): Promise<AwsCredentialIdentity> => {
    issued += 1;
    return {
      accessKeyId: `AKIDBASE${String(issued).padStart(4, "0")}`,
      secretAccessKey: `base-secret-${issued}-${"x".repeat(30)}`,
      sessionToken: `base-token-${issued}-${"y".repeat(30)}`,
      expiration: new Date(Date.now() + lifetimeMs),
    };
  });
  return { provider: withRefresh(source), source };
}

function chained(options: Partial<AssumeRoleOptions>, sts: ReturnType<typeof fakeSts>, base = baseProvider()) {
  const source = createChainedSource(
    base.provider,
    { roleArn: ROLE_B, ...options, clientConfig: { region: "eu-west-1", requestHandler: sts.requestHandler, ...options.clientConfig } },
    undefined,
  );
  return { source, base };
}

describe(createChainedSource.name, () => {
  afterEach(() => vi.unstubAllEnvs());

  it("signs AssumeRole of role B with the base credentials, with the session name, duration, external id and policy", async () => {
    const sts = fakeSts(() => assumeRoleResponse("AKIDCHAINED1", new Date(Date.now() + HOUR / 2)));
    const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';
    const { source } = chained({ roleSessionName: "orders-pod", durationSeconds: 1800, externalId: "shop-42", policy }, sts);

    const credentials = await source();

    expect(credentials).toMatchObject({ accessKeyId: "AKIDCHAINED1", accountId: "444455556666" });
    expect(sts.requests).toEqual([
      {
        signedBy: "AKIDBASE0001",
        params: expect.objectContaining({
          Action: "AssumeRole",
          RoleArn: ROLE_B,
          RoleSessionName: "orders-pod",
          DurationSeconds: "1800",
          ExternalId: "shop-42",
          Policy: policy,
        }),
      },
    ]);
  });

  it("asks for one hour by default, the longest STS grants a chained session", async () => {
    const sts = fakeSts(() => assumeRoleResponse("AKIDCHAINED1", new Date(Date.now() + HOUR / 2)));
    await chained({}, sts).source();
    expect(sts.requests[0]?.params).toMatchObject({ DurationSeconds: "3600", RoleSessionName: expect.stringMatching(/^[\w+=,.@-]{2,64}$/) });
  });

  it("never hands out chained credentials that outlive the base set, so they are refreshed while the base is valid", async () => {
    const base = baseProvider(20 * 60_000);
    const sts = fakeSts(() => assumeRoleResponse("AKIDCHAINED1", new Date(Date.now() + HOUR)));
    const credentials = await chained({}, sts, base).source();
    const baseCredentials = await base.provider();
    expect(credentials.expiration).toEqual(baseCredentials.expiration);
  });

  it("refreshes the base once when STS refuses it (ExpiredToken), and assumes role B with the new base set", async () => {
    const sts = fakeSts((request) =>
      request.signedBy === "AKIDBASE0001" ? stsError("ExpiredToken", 403) : assumeRoleResponse("AKIDCHAINED2", new Date(Date.now() + HOUR / 2)),
    );
    const { source, base } = chained({}, sts);

    await expect(source()).resolves.toMatchObject({ accessKeyId: "AKIDCHAINED2" });
    expect(sts.requests.map((request) => request.signedBy)).toEqual(["AKIDBASE0001", "AKIDBASE0002"]);
    expect(base.source).toHaveBeenCalledTimes(2);
  });

  it("reports base credentials STS keeps refusing after that one refresh as ASSUME_ROLE_BASE_CREDENTIALS_REFUSED", async () => {
    const sts = fakeSts(() => stsError("InvalidClientTokenId", 403));
    const { source, base } = chained({}, sts);
    await expect(source()).rejects.toMatchObject({ code: "ASSUME_ROLE_BASE_CREDENTIALS_REFUSED", roleArn: ROLE_B });
    expect(base.source).toHaveBeenCalledTimes(2);
  });

  it("reports a refused AssumeRole as an AssumeRoleError naming role B", async () => {
    const sts = fakeSts(() => stsError("AccessDenied", 403));
    const { source, base } = chained({}, sts);

    const refused = source();

    await expect(refused).rejects.toBeInstanceOf(AssumeRoleError);
    await expect(refused).rejects.toMatchObject({
      code: "ASSUME_ROLE_ACCESS_DENIED",
      roleArn: ROLE_B,
      stsCode: "AccessDenied",
      httpStatusCode: 403,
      requestId: "req-0",
      tryNextLink: false,
    });
    await expect(refused).rejects.toThrow(`Role chaining: AssumeRole of ${ROLE_B} failed (AccessDenied, HTTP 403, request id req-0)`);
    expect(base.source).toHaveBeenCalledTimes(1);
  });

  it("never quotes the base credentials, even when the endpoint echoes the request's headers back", async () => {
    const base = baseProvider();
    const { sessionToken = "" } = await base.provider();
    const sts = fakeSts(() => ({ status: 400, body: `<ErrorResponse><Error><Code>Echo</Code><Message>got X-Amz-Security-Token: ${sessionToken}</Message></Error></ErrorResponse>` }));
    const failure = await chained({}, sts, base).source().catch((error: Error) => error);
    expect(failure).toMatchObject({ code: "ASSUME_ROLE_FAILED", stsCode: "Echo" });
    expect(JSON.stringify({ message: (failure as Error).message, cause: String((failure as Error).cause) })).not.toContain(sessionToken);
  });

  it("gives up on an STS that does not answer by stsTimeouts.timeoutMs: ASSUME_ROLE_TIMEOUT", async () => {
    const sts = fakeSts(() => "hang");
    const started = Date.now();
    await expect(chained({ stsTimeouts: { timeoutMs: 200 } }, sts).source()).rejects.toMatchObject({ code: "ASSUME_ROLE_TIMEOUT", roleArn: ROLE_B });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("uses AWS_REGION, then the calling client's region, and never defaults silently", async () => {
    vi.stubEnv("AWS_REGION", "");
    vi.stubEnv("AWS_DEFAULT_REGION", "");
    const sts = fakeSts(() => assumeRoleResponse("AKIDCHAINED1", new Date(Date.now() + HOUR / 2)));
    const source = createChainedSource(baseProvider().provider, { roleArn: ROLE_B, clientConfig: { requestHandler: sts.requestHandler } }, undefined);

    await expect(source()).rejects.toMatchObject({ code: "ASSUME_ROLE_REGION_MISSING", roleArn: ROLE_B });
    await expect(source({ callerClientConfig: { region: async () => "ap-southeast-2" } })).resolves.toMatchObject({ accessKeyId: "AKIDCHAINED1" });
  });

  it("lets the base source's own errors through as they are", async () => {
    const failure = Object.assign(new Error("token file missing"), { code: "WEB_IDENTITY_TOKEN_FILE_UNREADABLE" });
    const sts = fakeSts(() => assumeRoleResponse("AKIDCHAINED1", new Date(Date.now() + HOUR)));
    const source = createChainedSource(withRefresh(() => Promise.reject(failure)), { roleArn: ROLE_B, clientConfig: { region: "eu-west-1", requestHandler: sts.requestHandler } }, undefined);
    await expect(source()).rejects.toBe(failure);
    expect(sts.requests).toEqual([]);
  });
});
