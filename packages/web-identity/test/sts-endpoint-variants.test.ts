// The STS client fromTokenFile builds passes no endpoint, FIPS or dual-stack setting of its own, so the SDK resolves
// them from AWS_USE_FIPS_ENDPOINT / AWS_USE_DUALSTACK_ENDPOINT / AWS_ENDPOINT_URL_STS as for any client. A recording
// request handler shows where the real client pipeline (endpoint rules, serializer) sends the call; nothing leaves
// the process.
import type { HttpHandlerOptions } from "@aws-sdk/types";
import { UnsecuredJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fromTokenFile } from "../src/index.js";

const ROLE = "arn:aws:iam::123456789012:role/app";

interface SentRequest {
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
}

function recordingHandler(sent: SentRequest[]) {
  return {
    handle: async (request: SentRequest, _options?: HttpHandlerOptions) => {
      sent.push({ protocol: request.protocol, hostname: request.hostname, path: request.path, ...(request.port === undefined ? {} : { port: request.port }) });
      const expiration = new Date(Date.now() + 3_600_000).toISOString();
      const xml =
        '<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult>' +
        "<Credentials><AccessKeyId>ASIARECORDED000001</AccessKeyId><SecretAccessKey>recorded-secret-key-0000000000000000000</SecretAccessKey>" +
        `<SessionToken>recorded-session-token</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
        "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/app/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>" +
        "</AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>";
      return { response: { statusCode: 200, reason: "OK", headers: { "content-type": "text/xml" }, body: new TextEncoder().encode(xml) } };
    },
  };
}

async function hostOfCall(region: string, env: Record<string, string>): Promise<SentRequest> {
  vi.stubEnv("AWS_REGION", region);
  for (const name of ["AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL", "AWS_STS_REGIONAL_ENDPOINTS"]) {
    vi.stubEnv(name, env[name]);
  }
  const token = new UnsecuredJWT({ sub: "system:serviceaccount:shop:orders", aud: "sts.amazonaws.com" })
    .setIssuer("https://oidc.example/id/1")
    .setIssuedAt()
    .setExpirationTime("1h")
    .encode();
  const sent: SentRequest[] = [];
  const provider = fromTokenFile({
    webIdentityTokenFile: "/token",
    roleArn: ROLE,
    readFile: () => Promise.resolve(token),
    clientConfig: { requestHandler: recordingHandler(sent) as never },
  });
  const credentials = await provider();
  expect(credentials.accessKeyId).toBe("ASIARECORDED000001");
  expect(sent).toHaveLength(1);
  return sent[0] as SentRequest;
}

afterEach(() => vi.unstubAllEnvs());

describe("fromTokenFile's STS client and the endpoint variables", () => {
  it.each([
    ["us-east-1", {}, "sts.us-east-1.amazonaws.com"],
    ["us-east-1", { AWS_USE_FIPS_ENDPOINT: "true" }, "sts-fips.us-east-1.amazonaws.com"],
    ["us-east-1", { AWS_USE_DUALSTACK_ENDPOINT: "true" }, "sts.us-east-1.api.aws"],
    ["us-east-1", { AWS_USE_FIPS_ENDPOINT: "true", AWS_USE_DUALSTACK_ENDPOINT: "true" }, "sts-fips.us-east-1.api.aws"],
    ["cn-north-1", {}, "sts.cn-north-1.amazonaws.com.cn"],
    ["cn-north-1", { AWS_USE_DUALSTACK_ENDPOINT: "true" }, "sts.cn-north-1.api.amazonwebservices.com.cn"],
    ["us-gov-west-1", {}, "sts.us-gov-west-1.amazonaws.com"],
    ["us-gov-west-1", { AWS_USE_DUALSTACK_ENDPOINT: "true" }, "sts.us-gov-west-1.api.aws"],
    ["us-iso-east-1", {}, "sts.us-iso-east-1.c2s.ic.gov"],
    ["us-iso-east-1", { AWS_USE_FIPS_ENDPOINT: "true" }, "sts-fips.us-iso-east-1.c2s.ic.gov"],
  ] as const)("%s %o → %s", async (region, env, host) => {
    expect((await hostOfCall(region, env)).hostname).toBe(host);
  });

  it.each([
    ["AWS_ENDPOINT_URL_STS over AWS_ENDPOINT_URL", { AWS_ENDPOINT_URL_STS: "http://127.0.0.1:4566", AWS_ENDPOINT_URL: "http://127.0.0.1:9" }, "127.0.0.1", 4566],
    ["AWS_ENDPOINT_URL alone", { AWS_ENDPOINT_URL: "http://127.0.0.1:4567" }, "127.0.0.1", 4567],
  ] as const)("takes %s", async (_, env, hostname, port) => {
    expect(await hostOfCall("us-east-1", env)).toMatchObject({ protocol: "http:", hostname, port });
  });
});
