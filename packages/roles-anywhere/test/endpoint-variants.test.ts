import { type RolesAnywhereWorld, startRolesAnywhereWorld, type TestLeafFiles } from "@workload-identity/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createRolesAnywhereSource, type RolesAnywhereSourceInit } from "../src/index.js";

let fixture: RolesAnywhereWorld;
let files: TestLeafFiles;

beforeAll(async () => {
  fixture = await startRolesAnywhereWorld({ keyType: "p256" });
  files = fixture.files;
});
afterAll(() => fixture.close());
afterEach(() => vi.unstubAllEnvs());

const base = (): RolesAnywhereSourceInit => ({
  certificate: files.certificate,
  privateKey: files.privateKey,
  certificateChain: files.certificateChain,
  trustAnchorArn: fixture.trustAnchorArn,
  profileArn: fixture.profileArn,
  roleArn: fixture.roleArn,
});

describe("the CreateSession endpoint, against the emulator", () => {
  it("signs for the host AWS_ENDPOINT_URL names (FIPS and dual-stack on only pick default endpoints)", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL", fixture.emulator.endpoint);
    vi.stubEnv("AWS_USE_FIPS_ENDPOINT", "true");
    vi.stubEnv("AWS_USE_DUALSTACK_ENDPOINT", "true");
    const credentials = await createRolesAnywhereSource(base())();
    // The emulator verified the signature over the Host it received: the signed host is the resolved one.
    expect(fixture.emulator.calls.at(-1)).toMatchObject({
      status: 201,
      host: new URL(fixture.emulator.endpoint).host,
      scopeRegion: fixture.region,
      accessKeyId: credentials.accessKeyId,
    });
  });

  it("takes AWS_ENDPOINT_URL_ROLESANYWHERE over AWS_ENDPOINT_URL", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_ROLESANYWHERE", fixture.emulator.endpoint);
    vi.stubEnv("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
    await createRolesAnywhereSource(base())();
    expect(fixture.emulator.calls.at(-1)).toMatchObject({ status: 201, host: new URL(fixture.emulator.endpoint).host });
  });

  it("refuses AWS_USE_FIPS_ENDPOINT=1 before sending anything", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL", fixture.emulator.endpoint);
    vi.stubEnv("AWS_USE_FIPS_ENDPOINT", "1");
    const before = fixture.emulator.callCount;
    await expect(createRolesAnywhereSource(base())()).rejects.toMatchObject({
      code: "ROLES_ANYWHERE_INVALID_OPTION",
      option: "AWS_USE_FIPS_ENDPOINT",
    });
    expect(fixture.emulator.callCount).toBe(before);
  });
});

// Without an override the request would go to AWS itself: a recording fetch shows where it goes and what was signed.
describe("the default endpoint of each partition, as sent", () => {
  const cases = [
    ["aws", "us-east-1", {}, "rolesanywhere.us-east-1.amazonaws.com"],
    ["aws-cn", "cn-north-1", { AWS_USE_DUALSTACK_ENDPOINT: "true" }, "rolesanywhere.cn-north-1.api.amazonwebservices.com.cn"],
    ["aws-us-gov", "us-gov-west-1", { AWS_USE_FIPS_ENDPOINT: "true" }, "rolesanywhere-fips.us-gov-west-1.amazonaws.com"],
    [
      "aws-iso",
      "us-iso-east-1",
      { AWS_USE_FIPS_ENDPOINT: "true", AWS_USE_DUALSTACK_ENDPOINT: "true" },
      "rolesanywhere-fips.us-iso-east-1.api.aws.ic.gov",
    ],
  ] as const;

  it.each(cases)("%s %s %o → %s", async (partition, region, env, host) => {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    const sent: { url: string; authorization: string }[] = [];
    const recording: typeof fetch = async (input, request) => {
      sent.push({ url: String(input), authorization: new Headers(request?.headers).get("authorization") ?? "" });
      return new Response(JSON.stringify({ message: "recorded" }), { status: 403, headers: { "x-amzn-ErrorType": "AccessDeniedException" } });
    };
    const arn = (service: string, resource: string, arnRegion: string = region) => `arn:${partition}:${service}:${arnRegion}:111122223333:${resource}`;
    const source = createRolesAnywhereSource({
      ...base(),
      trustAnchorArn: arn("rolesanywhere", "trust-anchor/a1"),
      profileArn: arn("rolesanywhere", "profile/p1"),
      roleArn: arn("iam", "role/workload", ""),
      fetch: recording,
    });
    await expect(source()).rejects.toMatchObject({ code: "ROLES_ANYWHERE_SERVICE_ERROR" });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe(`https://${host}/sessions`);
    expect(sent[0]?.authorization).toMatch(new RegExp(`Credential=\\d+/\\d{8}/${region}/rolesanywhere/aws4_request, SignedHeaders=[^,]*host`));
  });
});
