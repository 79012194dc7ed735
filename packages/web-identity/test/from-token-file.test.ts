import { readlink, symlink, unlink } from "node:fs/promises";
import { join } from "node:path";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { RefreshEvent } from "@workload-identity/refresh";
import {
  createProjectedTokenDir,
  type OidcIssuer,
  type ProjectedTokenDir,
  type StsEmulator,
  startOidcIssuer,
  startStsEmulator,
} from "@workload-identity/testing";
import { fromTokenFile } from "@workload-identity/web-identity";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

// Integration: the provider against the OIDC issuer, a kubelet-style projected dir and the STS emulator, the STS
// client pointed at the emulator through AWS_ENDPOINT_URL_STS as a user would.
const ROLE = "arn:aws:iam::111122223333:role/orders-reader";
const noSleep = () => Promise.resolve();

describe(`${fromTokenFile.name} against the emulators`, () => {
  let issuer: OidcIssuer;
  let sts: StsEmulator;
  let projected: ProjectedTokenDir;
  // STS's clock runs with the machine's, shifted by skewMs to make tokens look expired to it.
  let skewMs = 0;

  beforeAll(async () => {
    issuer = await startOidcIssuer();
    sts = await startStsEmulator({
      roles: [{ arn: ROLE, issuer: issuer.issuer, allowedSubjects: ["system:serviceaccount:shop:orders"] }],
      now: () => Date.now() + skewMs,
    });
  });
  afterAll(async () => {
    await sts.close();
    await issuer.close();
  });
  beforeEach(async () => {
    skewMs = 0;
    sts.clearFaults();
    projected = await createProjectedTokenDir();
    await projected.write(await issuer.mintServiceAccountToken({ namespace: "shop", serviceAccount: "orders" }));
    vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", projected.tokenFile);
    vi.stubEnv("AWS_ROLE_ARN", ROLE);
    vi.stubEnv("AWS_ROLE_SESSION_NAME", "");
    vi.stubEnv("AWS_REGION", "eu-west-1");
    vi.stubEnv("AWS_DEFAULT_REGION", "");
    vi.stubEnv("AWS_ENDPOINT_URL_STS", sts.endpoint);
    vi.stubEnv("AWS_ENDPOINT_URL", "");
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await projected.remove();
  });

  it("exchanges the projected token for credentials, configured by the environment alone", async () => {
    const before = sts.callCount;
    const credentials = await fromTokenFile()();
    expect(sts.callCount).toBe(before + 1);
    const call = sts.calls.at(-1);
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
    vi.stubEnv("AWS_ENDPOINT_URL", sts.endpoint);
    const before = sts.callCount;
    await expect(fromTokenFile()()).resolves.toMatchObject({ accountId: "111122223333" });
    expect(sts.callCount).toBe(before + 1);
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
    expect(sts.calls.at(-1)).toMatchObject({ status: 200, signed: false });
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
    const first = sts.calls.at(-1)?.tokenId;
    await projected.write(await issuer.mintServiceAccountToken({ namespace: "shop", serviceAccount: "orders" }));
    await provider({ forceRefresh: true });
    const second = sts.calls.at(-1)?.tokenId;
    expect(first).toEqual(expect.any(String));
    expect(second).toEqual(expect.any(String));
    expect(second).not.toBe(first);
  });

  it("rides out the moment a kubelet swap leaves the token path dangling, reading the real file system", async () => {
    const dataLink = join(projected.dir, "..data");
    const version = await readlink(dataLink);
    await unlink(dataLink); // token -> ..data/token now leads nowhere, as between a swap's steps
    const sleep = vi.fn(async () => {
      await symlink(version, dataLink).catch(() => undefined);
    });
    await expect(fromTokenFile({ sleep })()).resolves.toMatchObject({ accountId: "111122223333" });
    expect(sleep).toHaveBeenCalledTimes(1);
  });

  it("fails early on an expired projected token, without calling STS", async () => {
    await projected.write(
      await issuer.mintServiceAccountToken({ namespace: "shop", serviceAccount: "orders", issuedAt: new Date(Date.now() - 7_200_000) }),
    );
    const before = sts.callCount;
    const error = await fromTokenFile()().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "WEB_IDENTITY_TOKEN_EXPIRED", tryNextLink: false });
    expect((error as Error).message).toContain("not being rotated");
    expect((error as Error).message).toContain("sub=system:serviceaccount:shop:orders");
    expect(sts.callCount).toBe(before);
  });

  it("reports STS's ExpiredTokenException when STS's clock says the token expired", async () => {
    skewMs += 2 * 3_600_000;
    await expect(fromTokenFile()()).rejects.toMatchObject({ code: "STS_EXPIRED_TOKEN", stsCode: "ExpiredTokenException", tryNextLink: false });
  });

  it("is refused by the role's trust condition for another service account, with STS's request id", async () => {
    await projected.write(await issuer.mintServiceAccountToken({ namespace: "shop", serviceAccount: "billing" }));
    const error = await fromTokenFile()().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "STS_ACCESS_DENIED", stsCode: "AccessDenied", httpStatusCode: 403, tryNextLink: false });
    expect((error as { requestId: string }).requestId).toBe(sts.calls.at(-1)?.requestId);
    expect((error as Error).message).toContain(sts.calls.at(-1)?.requestId);
  });

  it("retries InvalidIdentityToken a bounded number of times, then reports it", async () => {
    await projected.write(await issuer.mintServiceAccountToken({ namespace: "shop", serviceAccount: "orders", signer: "untrusted" }));
    const before = sts.callCount;
    await expect(fromTokenFile({ sleep: noSleep })()).rejects.toMatchObject({ code: "STS_INVALID_IDENTITY_TOKEN", stsCode: "InvalidIdentityToken" });
    expect(sts.callCount - before).toBe(3);
  });

  it("recovers from throttling and IDPCommunicationError within one refresh", async () => {
    sts.injectFault({ kind: "throttling" });
    sts.injectFault({ kind: "idp-communication-error" });
    const sleep = vi.fn(noSleep);
    const before = sts.callCount;
    await expect(fromTokenFile({ sleep })()).resolves.toMatchObject({ accountId: "111122223333" });
    expect(sts.callCount - before).toBe(3);
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
    sts.injectFault({ kind: "http-500" }, 5);
    now += 12 * 60_000; // inside the advisory window (5 minutes before a 15-minute expiry)
    const before = sts.callCount;
    const served = await provider();
    expect(served.accessKeyId).toBe(first.accessKeyId);
    await vi.waitFor(() => expect(events.some((event) => event.type === "refresh-failed")).toBe(true));
    expect(sts.callCount - before).toBe(1);
    const failed = events.find((event) => event.type === "refresh-failed");
    expect(failed).toMatchObject({ reason: "advisory", error: { code: "STS_REQUEST_FAILED", stsCode: "InternalFailure" } });
    await expect(provider()).resolves.toMatchObject({ accessKeyId: first.accessKeyId });
    expect(events.map((event) => event.type)).toContain("stale-credentials-served");
  });

  it("makes one STS call for 1,000 concurrent SDK-style callers", async () => {
    const provider = fromTokenFile();
    const before = sts.callCount;
    const results = await Promise.all(Array.from({ length: 1000 }, () => provider({})));
    expect(sts.callCount - before).toBe(1);
    expect(new Set(results.map((c) => c.accessKeyId)).size).toBe(1);
  });

  it("tells a chain to move on when web identity is not configured at all", async () => {
    vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", "");
    vi.stubEnv("AWS_ROLE_ARN", "");
    await expect(fromTokenFile()()).rejects.toMatchObject({ code: "WEB_IDENTITY_NOT_CONFIGURED", tryNextLink: true });
  });
});
