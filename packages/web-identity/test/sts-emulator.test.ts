import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { startEmulatorServer, startStsEmulator, startWebIdentityWorld, type WebIdentityWorld } from "@workload-identity/testing";
import { generateKeyPair, SignJWT } from "jose";
import { fromTokenFile } from "@workload-identity/web-identity";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const ROLE = "arn:aws:iam::123456789012:role/team/orders-reader";

describe(startStsEmulator.name, () => {
  let world: WebIdentityWorld;
  let client: STSClient;
  // STS's clock runs with the machine's, shifted by skewMs to make tokens look expired to it.
  let skewMs = 0;

  beforeAll(async () => {
    world = await startWebIdentityWorld({ roleArn: ROLE, namespace: "shop", serviceAccount: "orders", stsNow: () => Date.now() + skewMs });
    client = new STSClient({ region: "eu-west-1", endpoint: world.sts.endpoint, maxAttempts: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await world.close();
  });
  beforeEach(() => {
    skewMs = 0;
    world.sts.clearFaults();
  });

  const assume = async (token: string, sessionName = "shop.orders") =>
    client.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE, RoleSessionName: sessionName, WebIdentityToken: token, DurationSeconds: 900 }));

  it("answers AssumeRoleWithWebIdentity in the XML shape the SDK's STSClient parses", async () => {
    const token = await world.mintToken();
    const before = world.sts.callCount;
    const startedAt = Math.floor(Date.now() / 1000) * 1000;
    const output = await assume(token);
    expect(output.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(output.Credentials?.SecretAccessKey).toEqual(expect.any(String));
    expect(output.Credentials?.SessionToken).toEqual(expect.any(String));
    expect(output.Credentials?.Expiration?.getTime()).toBeGreaterThanOrEqual(startedAt + 900_000);
    expect(output.Credentials?.Expiration?.getTime()).toBeLessThanOrEqual(Date.now() + 900_000);
    expect(output.AssumedRoleUser).toEqual({
      Arn: "arn:aws:sts::123456789012:assumed-role/orders-reader/shop.orders",
      AssumedRoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}:shop\.orders$/),
    });
    expect(output.SubjectFromWebIdentityToken).toBe("system:serviceaccount:shop:orders");
    expect(output.Audience).toBe("sts.amazonaws.com");
    expect(output.Provider).toBe(`arn:aws:iam::123456789012:oidc-provider/${world.issuer.issuer.slice("http://".length)}`);
    expect(output.$metadata.requestId).toBe(world.sts.calls.at(-1)?.requestId);
    expect(world.sts.callCount).toBe(before + 1);
    expect(world.sts.credentialsIssued().map((c) => c.accessKeyId)).toContain(output.Credentials?.AccessKeyId);
  });

  it("answers GetCallerIdentity for the credentials it issued", async () => {
    const { Credentials } = await assume(await world.mintToken());
    const signed = new STSClient({
      region: "eu-west-1",
      endpoint: world.sts.endpoint,
      credentials: {
        accessKeyId: Credentials?.AccessKeyId ?? "",
        secretAccessKey: Credentials?.SecretAccessKey ?? "",
        sessionToken: Credentials?.SessionToken ?? "",
      },
    });
    const identity = await signed.send(new GetCallerIdentityCommand({}));
    signed.destroy();
    expect(identity).toMatchObject({ Account: "123456789012", Arn: "arn:aws:sts::123456789012:assumed-role/orders-reader/shop.orders" });
  });

  it.each([
    // The SDK turns STS's wire codes into its modelled exception names (InvalidIdentityToken → …Exception).
    ["a token for another service account", { namespace: "shop", serviceAccount: "billing" }, "AccessDenied", "AccessDenied", 403],
    ["a token signed by a key the JWKS does not publish", { namespace: "shop", serviceAccount: "orders", signer: "untrusted" as const }, "InvalidIdentityToken", "InvalidIdentityTokenException", 400],
    ["a token for another audience", { namespace: "shop", serviceAccount: "orders", audience: "vault" }, "InvalidIdentityToken", "InvalidIdentityTokenException", 400],
  ])("refuses %s with an error the SDK parses", async (_, claims, code, name, status) => {
    const error = await assume(await world.mintToken(claims)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name, $fault: "client", $metadata: { httpStatusCode: status } });
    expect((error as { $metadata: { requestId?: string } }).$metadata.requestId).toBe(world.sts.calls.at(-1)?.requestId);
    expect(world.sts.calls.at(-1)).toMatchObject({ errorCode: code, status });
  });

  it("refuses an expired token with ExpiredTokenException, by its own clock", async () => {
    const token = await world.mintToken({ lifetimeSeconds: 600 });
    skewMs += 601_000;
    await expect(assume(token)).rejects.toMatchObject({ name: "ExpiredTokenException", $metadata: { httpStatusCode: 400 } });
  });

  it("refuses an expired token with STS's own message: epoch seconds", async () => {
    const token = await world.mintToken({ lifetimeSeconds: 600 });
    skewMs += 601_000;
    const error = await assume(token).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^Token expired: current date\/time \d{10} must be before the expiration date\/time\d{10}$/);
  });

  it.each([
    ["discovery document", "discovery"],
    ["JWKS", "jwks"],
  ])("answers IDPCommunicationError when the issuer's %s cannot be fetched", async (_, broken) => {
    // An issuer that announces a jwks_uri nobody listens on, or that is itself gone.
    const keys = await generateKeyPair("RS256");
    const server = await startEmulatorServer(() => ({
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ issuer: iss, jwks_uri: "http://127.0.0.1:1/jwks" }),
    }));
    const iss = server.endpoint;
    const lonely = await startStsEmulator({ roles: [{ arn: ROLE, issuer: iss, allowedSubjects: ["*"] }] });
    const token = await new SignJWT({}).setProtectedHeader({ alg: "RS256", kid: "k" }).setIssuer(iss).setSubject("s")
      .setAudience("sts.amazonaws.com").setIssuedAt().setExpirationTime("1h").sign(keys.privateKey);
    if (broken === "discovery") await server.close();
    const client2 = new STSClient({ region: "eu-west-1", endpoint: lonely.endpoint, maxAttempts: 1 });
    try {
      await expect(
        client2.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE, RoleSessionName: "ab", WebIdentityToken: token })),
      ).rejects.toMatchObject({ name: "IDPCommunicationErrorException", $metadata: { httpStatusCode: 400 } });
    } finally {
      client2.destroy();
      await lonely.close();
      if (broken === "jwks") await server.close();
    }
  });

  it("holds the next answer back when told to delay, then answers normally", async () => {
    const token = await world.mintToken();
    world.sts.injectFault({ kind: "delay", ms: 40 });
    const started = performance.now();
    await expect(assume(token)).resolves.toMatchObject({ Credentials: expect.any(Object) });
    expect(performance.now() - started).toBeGreaterThanOrEqual(39);
  });

  it("validates the session name as STS does", async () => {
    const token = await world.mintToken();
    await expect(assume(token, "has space")).rejects.toMatchObject({ name: "ValidationError" });
  });

  it.each([
    [{ kind: "throttling" } as const, "Throttling", 400],
    [{ kind: "idp-communication-error" } as const, "IDPCommunicationErrorException", 400],
    [{ kind: "invalid-identity-token" } as const, "InvalidIdentityTokenException", 400],
    [{ kind: "http-500" } as const, "InternalFailure", 500],
  ])("fails the next call as told: %o", async (fault, name, status) => {
    const token = await world.mintToken();
    world.sts.injectFault(fault);
    await expect(assume(token)).rejects.toMatchObject({ name, $metadata: { httpStatusCode: status } });
    await expect(assume(token)).resolves.toMatchObject({ Credentials: expect.any(Object) });
  });
});

describe("startStsEmulator({ chainedRoles }): AssumeRole", () => {
  const ROLE_B = "arn:aws:iam::444455556666:role/reports";
  let world: WebIdentityWorld;
  beforeAll(async () => {
    world = await startWebIdentityWorld({ roleArn: ROLE, chainedRoles: [{ arn: ROLE_B, externalId: "shop-42" }] });
  });
  afterAll(() => world.close());

  const sts = (credentials: AwsCredentialIdentity) =>
    new STSClient({ region: world.region, endpoint: world.sts.endpoint, credentials, maxAttempts: 1 });
  const podCredentials = () =>
    fromTokenFile({ webIdentityTokenFile: world.tokenDir.tokenFile, roleArn: ROLE, clientConfig: { region: world.region, endpoint: world.sts.endpoint } })();

  it("lets a session of a role the trust policy names assume the role, with its external id", async () => {
    const base = await podCredentials();
    const output = await sts(base).send(new AssumeRoleCommand({ RoleArn: ROLE_B, RoleSessionName: "orders", ExternalId: "shop-42", DurationSeconds: 900 }));
    expect(output.AssumedRoleUser?.Arn).toBe("arn:aws:sts::444455556666:assumed-role/reports/orders");
    expect(output.Credentials?.Expiration?.getTime()).toBeLessThanOrEqual(Date.now() + 900_000);
    expect(world.sts.credentialsIssued().at(-1)).toMatchObject({ accessKeyId: output.Credentials?.AccessKeyId, assumedRoleArn: output.AssumedRoleUser?.Arn });
    expect(world.sts.calls.at(-1)).toMatchObject({ action: "AssumeRole", roleArn: ROLE_B, roleSessionName: "orders", status: 200, signed: true });
  });

  it("refuses the wrong external id, more than an hour, and credentials it did not issue, as STS does", async () => {
    const base = await podCredentials();
    const assume = (credentials: AwsCredentialIdentity, input: Partial<{ ExternalId: string; DurationSeconds: number }>) =>
      sts(credentials).send(new AssumeRoleCommand({ RoleArn: ROLE_B, RoleSessionName: "orders", ...input }));
    await expect(assume(base, { ExternalId: "shop-43" })).rejects.toMatchObject({ name: "AccessDenied", $metadata: { httpStatusCode: 403 } });
    await expect(assume(base, { ExternalId: "shop-42", DurationSeconds: 7200 })).rejects.toMatchObject({ name: "ValidationError" });
    const stranger = { accessKeyId: "ASIASTRANGER00000000", secretAccessKey: "x".repeat(40), sessionToken: "t" };
    await expect(assume(stranger, { ExternalId: "shop-42" })).rejects.toMatchObject({ name: "InvalidClientTokenId" });
  });
});
