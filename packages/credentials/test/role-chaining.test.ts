// Role chaining through fromEnvironmentAware: the chosen source (here the SDK chain with keys in the environment) in a
// cache of its own, AssumeRole signed with it, the chained set in the one outer cache, and explain showing both links.
// The same against a real STS (Ceph radosgw) is in radosgw.interop.test.ts.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RefreshEvent } from "@workload-identity/refresh";
import { isolateEnvironment } from "@workload-identity/testing/vitest";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { clearSharedCredentialCache, explain, formatExplanation, fromEnvironmentAware } from "../src/index.js";
import { assumeRoleResponse, fakeSts, stsError } from "./fake-sts.js";

const ROLE_B = "arn:aws:iam::444455556666:role/reports";
const HOUR = 3_600_000;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "role-chaining-"));
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  clearSharedCredentialCache();
  vi.unstubAllEnvs();
  isolateEnvironment(dir);
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDBASEKEYS");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "b".repeat(40));
  vi.stubEnv("AWS_REGION", "eu-west-1");
});

describe("fromEnvironmentAware({ assumeRole })", () => {
  it("returns role B's credentials, signed for with the chosen source's, in one outer cache", async () => {
    const sts = fakeSts(() => assumeRoleResponse("AKIDCHAINED1", new Date(Date.now() + HOUR)));
    const events: RefreshEvent[] = [];
    const provider = fromEnvironmentAware({
      assumeRole: { roleArn: ROLE_B, roleSessionName: "orders", clientConfig: { requestHandler: sts.requestHandler } },
      refresh: { onEvent: (event) => events.push(event) },
    });

    const results = await Promise.all(Array.from({ length: 100 }, () => provider()));

    expect(new Set(results.map((credentials) => credentials.accessKeyId))).toEqual(new Set(["AKIDCHAINED1"]));
    expect(sts.requests).toEqual([{ signedBy: "AKIDBASEKEYS", params: expect.objectContaining({ RoleArn: ROLE_B, RoleSessionName: "orders" }) }]);
    // The caller's onEvent sees the chained set's cache only.
    expect(events.filter((event) => event.type === "refreshed")).toHaveLength(1);
  });

  it("is explained as two links: the chosen source, then AssumeRole of role B", async () => {
    const sts = fakeSts(() => assumeRoleResponse("AKIDCHAINED1", new Date(Date.now() + HOUR)));
    const init = { assumeRole: { roleArn: ROLE_B, roleSessionName: "orders", externalId: "shop-42", clientConfig: { requestHandler: sts.requestHandler } } };

    const report = await explain(init);

    expect(report).toMatchObject({
      source: "sdk-chain",
      assumeRole: {
        base: "sdk-chain",
        roleArn: ROLE_B,
        roleSessionName: "orders",
        durationSeconds: 3600,
        externalId: "shop-42",
        sessionPolicy: false,
        baseCredentials: { expiration: null },
      },
      credentials: { expiration: expect.any(String) },
    });
    const text = formatExplanation(report);
    expect(text).toContain("role chaining:\n  1. sdk-chain, credentials do not expire\n");
    expect(text).toContain(`  2. AssumeRole: ${ROLE_B} as orders (3600 s, external id shop-42)\n`);
    expect(text).not.toContain("b".repeat(40));
  });

  it("reports a refused AssumeRole in explain with its code, naming role B", async () => {
    const sts = fakeSts(() => stsError("AccessDenied", 403));
    const report = await explain({ assumeRole: { roleArn: ROLE_B, clientConfig: { requestHandler: sts.requestHandler } } });
    expect(report.error).toMatchObject({ code: "ASSUME_ROLE_ACCESS_DENIED", message: expect.stringContaining(ROLE_B) });
  });

  it("is a configuration of its own: the same options without assumeRole share nothing with it", async () => {
    const sts = fakeSts(() => assumeRoleResponse("AKIDCHAINED1", new Date(Date.now() + HOUR)));
    const chained = fromEnvironmentAware({ assumeRole: { roleArn: ROLE_B, clientConfig: { requestHandler: sts.requestHandler } } });
    await expect(chained()).resolves.toMatchObject({ accessKeyId: "AKIDCHAINED1" });
    await expect(fromEnvironmentAware()()).resolves.toMatchObject({ accessKeyId: "AKIDBASEKEYS" });
  });
});
