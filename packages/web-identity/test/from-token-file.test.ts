import { readlink, symlink, unlink } from "node:fs/promises";
import { join } from "node:path";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { RefreshEvent } from "@workload-identity/refresh";
import { startWebIdentityWorld, type WebIdentityWorld } from "@workload-identity/testing";
import { fromTokenFile } from "@workload-identity/web-identity";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

// Integration: the provider in a web identity world (OIDC issuer, kubelet-style projected dir, STS emulator), the STS
// client pointed at the emulator through AWS_ENDPOINT_URL_STS as a user would.
const ROLE = "arn:aws:iam::111122223333:role/orders-reader";
const noSleep = () => Promise.resolve();

describe(`${fromTokenFile.name} against the emulators`, () => {
  let world: WebIdentityWorld;
  // STS's clock runs with the machine's, shifted by skewMs to make tokens look expired to it.
  let skewMs = 0;

  beforeAll(async () => {
    world = await startWebIdentityWorld({ roleArn: ROLE, namespace: "shop", serviceAccount: "orders", stsNow: () => Date.now() + skewMs });
  });
  afterAll(() => world.close());
  beforeEach(async () => {
    skewMs = 0;
    world.sts.clearFaults();
    await world.writeToken();
    // The pod's variables (region eu-west-1), and none of the others that would change the provider's choices.
    for (const [name, value] of Object.entries(world.env)) vi.stubEnv(name, value);
    vi.stubEnv("AWS_ROLE_SESSION_NAME", "");
    vi.stubEnv("AWS_DEFAULT_REGION", "");
    vi.stubEnv("AWS_ENDPOINT_URL", "");
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("exchanges the projected token for credentials, configured by the environment alone", async () => {
    const before = world.sts.callCount;
    const credentials = await fromTokenFile()();
    expect(world.sts.callCount).toBe(before + 1);
    const call = world.sts.calls.at(-1);
    expect(call).toMatchObject({ action: "AssumeRoleWithWebIdentity", roleArn: ROLE, status: 200, subject: "system:serviceaccount:shop:orders" });
    expect(call?.roleSessionName).toMatch(/^shop\.orders@[0-9a-z]{6}$/);
    expect(credentials).toMatchObject({ accountId: "111122223333", accessKeyId: expect.stringMatching(/^ASIA/) });
    expect(credentials.expiration?.getTime()).toBeGreaterThan(Date.now());

    // The credentials are the emulator's: a signed call with them resolves to the assumed role.
    const client = new STSClient({ region: "eu-west-1", credentials });
    const identity = await client.send(new GetCallerIdentityCommand({}));
    client.destroy();
    expect(identity.Arn).toBe(`arn:aws:sts::111122223333:assumed-role/orders-reader/${call?.roleSessionName}`);
  });

  it("finds STS through AWS_ENDPOINT_URL when no STS-specific endpoint is set", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_STS", "");
    vi.stubEnv("AWS_ENDPOINT_URL", world.sts.endpoint);
    const before = world.sts.callCount;
    await expect(fromTokenFile()()).resolves.toMatchObject({ accountId: "111122223333" });
    expect(world.sts.callCount).toBe(before + 1);
  });

  it.each([
    ["us-east-1", "", "sts.us-east-1.amazonaws.com"],
    ["us-east-1", "regional", "sts.us-east-1.amazonaws.com"],
    ["us-east-1", "legacy", "sts.amazonaws.com"],
    ["eu-west-1", "legacy", "sts.amazonaws.com"],
    ["ap-east-1", "legacy", "sts.ap-east-1.amazonaws.com"],
  ])("in %s with AWS_STS_REGIONAL_ENDPOINTS=%o calls %s, unsigned", async (region, mode, host) => {
    vi.stubEnv("AWS_ENDPOINT_URL_STS", "");
    vi.stubEnv("AWS_REGION", region);
    vi.stubEnv("AWS_STS_REGIONAL_ENDPOINTS", mode);
    const sent: { host: string; signed: boolean }[] = [];
    // Records where the request would go, and goes nowhere.
    const requestHandler = {
      handle: (request: { hostname: string; headers: Record<string, string> }) => {
        sent.push({ host: request.hostname, signed: "authorization" in request.headers });
        return Promise.reject(Object.assign(new Error("not sent"), { name: "NotSent" }));
      },
    };
    const provider = fromTokenFile({ clientConfig: { requestHandler }, stsRetry: { maxAttempts: 1 } });
    await expect(provider()).rejects.toMatchObject({ code: "STS_REQUEST_FAILED", stsCode: "NotSent" });
    expect(sent).toEqual([{ host, signed: false }]);
  });

  it("calls STS unsigned, without resolving any credentials for itself", async () => {
    const credentialsOfStsClient = vi.fn(() => Promise.reject(new Error("must not be called")));
    await fromTokenFile({ clientConfig: { credentials: credentialsOfStsClient } })();
    expect(world.sts.calls.at(-1)).toMatchObject({ status: 200, signed: false });
    expect(credentialsOfStsClient).not.toHaveBeenCalled();
  });

  it("uses the region of the client it serves when the environment has none", async () => {
    vi.stubEnv("AWS_REGION", "");
    await expect(fromTokenFile()()).rejects.toMatchObject({ code: "WEB_IDENTITY_REGION_MISSING", tryNextLink: false });
    const client = new STSClient({ region: "ap-southeast-2", credentials: fromTokenFile() });
    await expect(client.send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Account: "111122223333" });
    client.destroy();
  });

  it("re-reads the token file at every refresh: the second STS call carries the rotated token", async () => {
    const provider = fromTokenFile();
    await provider();
    const first = world.sts.calls.at(-1)?.tokenId;
    await world.writeToken();
    await provider({ forceRefresh: true });
    const second = world.sts.calls.at(-1)?.tokenId;
    expect(first).toEqual(expect.any(String));
    expect(second).toEqual(expect.any(String));
    expect(second).not.toBe(first);
  });

  it("rides out the moment a kubelet swap leaves the token path dangling, reading the real file system", async () => {
    const dataLink = join(world.tokenDir.dir, "..data");
    const version = await readlink(dataLink);
    await unlink(dataLink); // token -> ..data/token now leads nowhere, as between a swap's steps
    const sleep = vi.fn(async () => {
      await symlink(version, dataLink).catch(() => undefined);
    });
    await expect(fromTokenFile({ sleep })()).resolves.toMatchObject({ accountId: "111122223333" });
    expect(sleep).toHaveBeenCalledTimes(1);
  });

  it("fails early on an expired projected token, without calling STS", async () => {
    await world.writeToken({ issuedAt: new Date(Date.now() - 7_200_000) });
    const before = world.sts.callCount;
    const error = await fromTokenFile()().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "WEB_IDENTITY_TOKEN_EXPIRED", tryNextLink: false });
    expect((error as Error).message).toContain("not being rotated");
    expect((error as Error).message).toContain("sub=system:serviceaccount:shop:orders");
    expect(world.sts.callCount).toBe(before);
  });

  it("reports STS's ExpiredTokenException when STS's clock says the token expired", async () => {
    skewMs += 2 * 3_600_000;
    await expect(fromTokenFile()()).rejects.toMatchObject({ code: "STS_EXPIRED_TOKEN", stsCode: "ExpiredTokenException", tryNextLink: false });
  });

  it("is refused by the role's trust condition for another service account, with STS's request id", async () => {
    await world.writeToken({ serviceAccount: "billing" });
    const error = await fromTokenFile()().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "STS_ACCESS_DENIED", stsCode: "AccessDenied", httpStatusCode: 403, tryNextLink: false });
    expect((error as { requestId: string }).requestId).toBe(world.sts.calls.at(-1)?.requestId);
    expect((error as Error).message).toContain(world.sts.calls.at(-1)?.requestId);
  });

  it("retries InvalidIdentityToken a bounded number of times, then reports it", async () => {
    await world.writeToken({ signer: "untrusted" });
    const before = world.sts.callCount;
    await expect(fromTokenFile({ sleep: noSleep })()).rejects.toMatchObject({ code: "STS_INVALID_IDENTITY_TOKEN", stsCode: "InvalidIdentityToken" });
    expect(world.sts.callCount - before).toBe(3);
  });

  it("recovers from throttling and IDPCommunicationError within one refresh", async () => {
    world.sts.injectFault({ kind: "throttling" });
    world.sts.injectFault({ kind: "idp-communication-error" });
    const sleep = vi.fn(noSleep);
    const before = world.sts.callCount;
    await expect(fromTokenFile({ sleep })()).resolves.toMatchObject({ accountId: "111122223333" });
    expect(world.sts.callCount - before).toBe(3);
    expect(sleep).toHaveBeenCalledTimes(2);
  });

  it("keeps serving cached credentials while STS fails during a background refresh", async () => {
    let now = Date.now();
    const events: RefreshEvent[] = [];
    const provider = fromTokenFile({
      durationSeconds: 900,
      stsRetry: { maxAttempts: 1 },
      refresh: { now: () => now, jitter: false, onEvent: (event) => events.push(event) },
    });
    const first = await provider();
    world.sts.injectFault({ kind: "http-500" }, 5);
    now += 12 * 60_000; // inside the advisory window (5 minutes before a 15-minute expiry)
    const before = world.sts.callCount;
    const served = await provider();
    expect(served.accessKeyId).toBe(first.accessKeyId);
    await vi.waitFor(() => expect(events.some((event) => event.type === "refresh-failed")).toBe(true));
    expect(world.sts.callCount - before).toBe(1);
    const failed = events.find((event) => event.type === "refresh-failed");
    expect(failed).toMatchObject({ reason: "advisory", error: { code: "STS_REQUEST_FAILED", stsCode: "InternalFailure" } });
    await expect(provider()).resolves.toMatchObject({ accessKeyId: first.accessKeyId });
    expect(events.map((event) => event.type)).toContain("stale-credentials-served");
  });

  it("makes one STS call for 1,000 concurrent SDK-style callers", async () => {
    const provider = fromTokenFile();
    const before = world.sts.callCount;
    const results = await Promise.all(Array.from({ length: 1000 }, () => provider({})));
    expect(world.sts.callCount - before).toBe(1);
    expect(new Set(results.map((c) => c.accessKeyId)).size).toBe(1);
  });

  it("tells a chain to move on when web identity is not configured at all", async () => {
    vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", "");
    vi.stubEnv("AWS_ROLE_ARN", "");
    await expect(fromTokenFile()()).rejects.toMatchObject({ code: "WEB_IDENTITY_NOT_CONFIGURED", tryNextLink: true });
  });
});
