// End to end in a web identity world (a kubelet-style projected token, an OIDC issuer and the STS emulator), with
// real SDK clients.
import { join } from "node:path";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { startWebIdentityWorld, type WebIdentityWorld } from "@workload-identity/testing";
import { isolateEnvironment } from "@workload-identity/testing/vitest";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { clearSharedCredentialCache, explain, fromEnvironmentAware, whoami } from "../src/index.js";

const ROLE_ARN = "arn:aws:iam::111122223333:role/orders";

let world: WebIdentityWorld;

beforeAll(async () => {
  world = await startWebIdentityWorld({ roleArn: ROLE_ARN, namespace: "shop", serviceAccount: "orders", region: "us-east-1" });
});
afterAll(() => world.close());
beforeEach(async () => {
  clearSharedCredentialCache();
  isolateEnvironment(world.dir, world.env);
  await world.writeToken();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe("web identity end to end", () => {
  it("a real STSClient signs GetCallerIdentity with the assumed role's credentials", async () => {
    const client = new STSClient({ credentials: fromEnvironmentAware() });
    const identity = await client.send(new GetCallerIdentityCommand({}));
    const issued = world.sts.credentialsIssued().at(-1);
    expect(issued).toBeDefined();
    expect(identity.Arn).toBe(issued?.assumedRoleArn);
    expect(identity.Arn).toContain("assumed-role/orders/");
    expect(world.sts.calls.filter((c) => c.action === "AssumeRoleWithWebIdentity").at(-1)).toMatchObject({
      roleArn: ROLE_ARN,
      subject: "system:serviceaccount:shop:orders",
      status: 200,
    });
  });

  it("ten clients share one AssumeRoleWithWebIdentity", async () => {
    const before = world.sts.callCount;
    const clients = Array.from({ length: 10 }, () => new STSClient({ credentials: fromEnvironmentAware() }));
    await Promise.all(clients.map((client) => client.send(new GetCallerIdentityCommand({}))));
    expect(world.sts.callCount - before).toBe(1);
  });

  it("is cached once: a forced refresh reaches STS (no second cache in front of fromTokenFile's)", async () => {
    const provider = fromEnvironmentAware();
    const before = world.sts.callCount;
    const first = await provider();
    expect(await provider()).toBe(first);
    expect(world.sts.callCount - before).toBe(1);
    const forced = await provider({ forceRefresh: true } as never);
    expect(world.sts.callCount - before).toBe(2);
    expect(forced.accessKeyId).not.toBe(first.accessKeyId);
  });

  it("explicit webIdentity options win over the environment", async () => {
    vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", undefined);
    vi.stubEnv("AWS_ROLE_ARN", undefined);
    vi.stubEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/v1/credentials");
    vi.stubEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", join(world.dir, "unused"));
    const init = { webIdentity: { webIdentityTokenFile: world.tokenDir.tokenFile, roleArn: ROLE_ARN } };
    const client = new STSClient({ credentials: fromEnvironmentAware(init) });
    const identity = await client.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe(world.sts.credentialsIssued().at(-1)?.assumedRoleArn);
    expect(await explain({ ...init, resolve: false })).toMatchObject({
      source: "explicit",
      ignored: ["pod-identity"],
      webIdentity: { tokenFile: world.tokenDir.tokenFile, roleArn: ROLE_ARN, token: { subject: "system:serviceaccount:shop:orders" } },
    });
  });

  it("whoami names the account, the ARN and the source", async () => {
    const result = await whoami();
    expect(result).toMatchObject({ account: "111122223333", source: "web-identity" });
    expect(result.arn).toContain("assumed-role/orders/");
  });

  it("explain reports the token's claims and, after a resolve, the expiration", async () => {
    const explanation = await explain();
    expect(explanation).toMatchObject({
      source: "web-identity",
      variables: [
        { name: "AWS_WEB_IDENTITY_TOKEN_FILE", value: world.tokenDir.tokenFile },
        { name: "AWS_ROLE_ARN", value: ROLE_ARN },
      ],
      webIdentity: {
        tokenFile: world.tokenDir.tokenFile,
        roleArn: ROLE_ARN,
        token: { issuer: world.issuer.issuer, subject: "system:serviceaccount:shop:orders", audience: ["sts.amazonaws.com"], expired: false },
      },
    });
    expect(explanation.error).toBeUndefined();
    expect(Date.parse(explanation.credentials?.expiration ?? "")).toBeGreaterThan(Date.now());
  });

  it("explain flags an expired token and reports the STS rejection", async () => {
    await world.writeToken({ issuedAt: new Date(Date.now() - 7200_000), lifetimeSeconds: 3600 });
    const explanation = await explain();
    expect(explanation.webIdentity?.token?.expired).toBe(true);
    expect(explanation.warnings.join("\n")).toMatch(/expired/);
    expect(explanation.error).toBeDefined();
  });

  it("a subject the role does not trust is reported, not replaced by other credentials", async () => {
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIASHOULDNOTBEUSED1");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "static-secret");
    await world.writeToken({ serviceAccount: "intruder" });
    const error = await fromEnvironmentAware()().catch((e: unknown) => e);
    expect(error).toMatchObject({ tryNextLink: false });
    expect(JSON.stringify(error)).not.toContain("AKIASHOULDNOTBEUSED1");
  });
});
