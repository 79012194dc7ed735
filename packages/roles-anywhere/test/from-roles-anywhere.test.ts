import { writeFile } from "node:fs/promises";
import { type RolesAnywhereWorld, startRolesAnywhereWorld } from "@workload-identity/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { fromRolesAnywhere, rolesAnywhereSourceTimeoutMs } from "../src/index.js";
import type { FromRolesAnywhereInit } from "../src/options.js";

const ACCOUNT = "111122223333";

let world: RolesAnywhereWorld;

beforeAll(async () => {
  world = await startRolesAnywhereWorld({ keyType: "rsa2048", account: ACCOUNT });
});
afterAll(() => world.close());
afterEach(() => {
  vi.unstubAllEnvs();
  world.emulator.clearFaults();
});

/** The working options, with `overrides` applied; an override of `undefined` removes the option. */
const init = (overrides: { [K in keyof FromRolesAnywhereInit]?: FromRolesAnywhereInit[K] | undefined } = {}): FromRolesAnywhereInit => {
  const merged: Record<string, unknown> = { ...world.init, ...overrides };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return merged as unknown as FromRolesAnywhereInit;
};

describe(fromRolesAnywhere.name, () => {
  it("exchanges an RSA-2048 certificate and its intermediate for session credentials", async () => {
    const before = world.emulator.callCount;
    const credentials = await fromRolesAnywhere(init())();
    expect(credentials).toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/), accountId: ACCOUNT });
    expect(credentials.secretAccessKey).toEqual(expect.any(String));
    expect(credentials.sessionToken).toEqual(expect.any(String));
    expect(credentials.expiration?.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    expect(world.emulator.callCount).toBe(before + 1);
    expect(world.emulator.calls.at(-1)).toMatchObject({
      status: 201,
      algorithm: "AWS4-X509-RSA-SHA256",
      signedHeaders: "content-type;host;x-amz-date;x-amz-x509;x-amz-x509-chain",
      serialNumber: world.leaf.serialNumberDecimal,
      chainLength: 1,
      trustAnchorArn: world.trustAnchorArn,
      profileArn: world.profileArn,
      roleArn: world.roleArn,
      durationSeconds: 3600,
      roleSessionName: undefined,
      accessKeyId: credentials.accessKeyId,
    });
  });

  it.each(["p256", "p384"] as const)("signs with ECDSA for a %s certificate", async (keyType) => {
    const ec = await world.leafFiles({ keyType });
    const credentials = await fromRolesAnywhere(init(ec))();
    expect(world.emulator.calls.at(-1)).toMatchObject({
      status: 201,
      algorithm: "AWS4-X509-ECDSA-SHA256",
      serialNumber: ec.leaf.serialNumberDecimal,
      accessKeyId: credentials.accessKeyId,
    });
  });

  it("accepts the certificate, chain and key as inline PEM or DER content", async () => {
    await fromRolesAnywhere(
      init({ certificate: world.leaf.certificateDer, privateKey: world.leaf.privateKeyPem, certificateChain: world.leaf.chainPem }),
    )();
    expect(world.emulator.calls.at(-1)).toMatchObject({ status: 201, chainLength: 1 });
  });

  it("sends durationSeconds and roleSessionName when given", async () => {
    const credentials = await fromRolesAnywhere(init({ durationSeconds: 900, roleSessionName: "batch-job@host-1" }))();
    expect(world.emulator.calls.at(-1)).toMatchObject({ status: 201, durationSeconds: 900, roleSessionName: "batch-job@host-1" });
    expect(credentials.expiration!.getTime() - Date.now()).toBeLessThanOrEqual(900_000);
  });

  it("sends the extra certificates of the certificate file as the chain when no certificateChain is given", async () => {
    const bundle = await world.write("fullchain.crt", world.leaf.certificatePem + world.leaf.chainPem);
    await fromRolesAnywhere(init({ certificate: bundle, certificateChain: undefined }))();
    expect(world.emulator.calls.at(-1)).toMatchObject({ status: 201, chainLength: 1 });
  });

  it("re-reads the certificate and key at every refresh", async () => {
    const certificate = await world.write("rotating.crt", world.leaf.certificatePem);
    const privateKey = await world.write("rotating.key", world.leaf.privateKeyPem);
    const provider = fromRolesAnywhere(init({ certificate, privateKey }));
    await provider();
    expect(world.emulator.calls.at(-1)?.serialNumber).toBe(world.leaf.serialNumberDecimal);

    const renewed = await world.pki.issueLeaf();
    await writeFile(certificate, renewed.certificatePem);
    await writeFile(privateKey, renewed.privateKeyPem);
    await provider({ forceRefresh: true });
    expect(world.emulator.calls.at(-1)).toMatchObject({ status: 201, serialNumber: renewed.serialNumberDecimal });
  });

  it("serves the cached credentials without calling CreateSession again", async () => {
    const provider = fromRolesAnywhere(init());
    const first = await provider();
    const count = world.emulator.callCount;
    expect(await provider()).toBe(first);
    expect(world.emulator.callCount).toBe(count);
  });

  it("signs for the trust anchor's region unless region is given", async () => {
    await fromRolesAnywhere(init())();
    expect(world.emulator.calls.at(-1)?.status).toBe(201);
    // The emulator refuses a scope outside the trust anchor's region, as the service would.
    await expect(fromRolesAnywhere(init({ region: "us-east-1" }))()).rejects.toMatchObject({
      code: "ROLES_ANYWHERE_SERVICE_ERROR",
      errorType: "AccessDeniedException",
    });
  });

  it("reads AWS_ENDPOINT_URL_ROLESANYWHERE when no endpoint is given, at call time", async () => {
    const provider = fromRolesAnywhere(init({ endpoint: undefined }));
    vi.stubEnv("AWS_ENDPOINT_URL_ROLESANYWHERE", world.emulator.endpoint);
    const count = world.emulator.callCount;
    await provider();
    expect(world.emulator.callCount).toBe(count + 1);
  });

  it("prefers the endpoint option over AWS_ENDPOINT_URL_ROLESANYWHERE", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_ROLESANYWHERE", "http://127.0.0.1:9");
    await fromRolesAnywhere(init())();
    expect(world.emulator.calls.at(-1)?.status).toBe(201);
  });

  it("rejects an invalid AWS_ENDPOINT_URL_ROLESANYWHERE with a typed error", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_ROLESANYWHERE", "not a url");
    await expect(fromRolesAnywhere(init({ endpoint: undefined }))()).rejects.toMatchObject({
      code: "ROLES_ANYWHERE_INVALID_OPTION",
      option: "AWS_ENDPOINT_URL_ROLESANYWHERE",
    });
  });

  it("keeps AWS's error type, message and request id when CreateSession is denied", async () => {
    world.emulator.injectFault({ kind: "access-denied" });
    const error = await fromRolesAnywhere(init())().catch((e: unknown) => e);
    const call = world.emulator.calls.at(-1)!;
    expect(error).toMatchObject({
      code: "ROLES_ANYWHERE_SERVICE_ERROR",
      tryNextLink: false,
      errorType: "AccessDeniedException",
      statusCode: 403,
      requestId: call.requestId,
      serviceMessage: "Access denied (injected by the test).",
    });
    expect((error as Error).message).toContain(call.requestId);
    expect((error as Error).message).toContain("Access denied (injected by the test).");
  });

  it("reports an untrusted certificate (missing intermediate) as the service's AccessDeniedException", async () => {
    await expect(fromRolesAnywhere(init({ certificateChain: undefined }))()).rejects.toMatchObject({
      code: "ROLES_ANYWHERE_SERVICE_ERROR",
      errorType: "AccessDeniedException",
      serviceMessage: expect.stringContaining("Untrusted certificate"),
    });
  });

  it("reports a server failure with its error type", async () => {
    world.emulator.injectFault({ kind: "http-500" });
    await expect(fromRolesAnywhere(init())()).rejects.toMatchObject({
      code: "ROLES_ANYWHERE_SERVICE_ERROR",
      errorType: "InternalServerException",
      statusCode: 500,
    });
  });

  it("reports an unreachable endpoint as a network error", async () => {
    await expect(fromRolesAnywhere(init({ endpoint: "http://127.0.0.1:9" }))()).rejects.toMatchObject({
      code: "ROLES_ANYWHERE_NETWORK_ERROR",
      message: expect.stringContaining("http://127.0.0.1:9"),
    });
  });

  it("gives up after timeoutMs", async () => {
    world.emulator.injectFault({ kind: "delay", ms: 2000 });
    await expect(fromRolesAnywhere(init({ timeoutMs: 50 }))()).rejects.toMatchObject({
      code: "ROLES_ANYWHERE_NETWORK_ERROR",
      message: expect.stringContaining("did not answer within 50 ms"),
    });
  });

  it.each([
    ["a body that is not JSON", "<html>proxy</html>"],
    ["an empty credentialSet", '{"credentialSet":[]}'],
    ["credentials without a session token", '{"credentialSet":[{"credentials":{"accessKeyId":"A","secretAccessKey":"S","expiration":"2030-01-01T00:00:00Z"}}]}'],
    ["an expiration that is not a date", '{"credentialSet":[{"credentials":{"accessKeyId":"A","secretAccessKey":"S","sessionToken":"T","expiration":"soon"}}]}'],
  ])("reports %s as an invalid response", async (_, body) => {
    const fetch = vi.fn(async () => new Response(body, { status: 201, headers: { "x-amzn-RequestId": "req-1" } }));
    await expect(fromRolesAnywhere(init({ fetch }))()).rejects.toMatchObject({
      code: "ROLES_ANYWHERE_INVALID_RESPONSE",
      message: expect.stringContaining("req-1"),
    });
    expect(fetch).toHaveBeenCalledOnce();
  });

  it("reads the error type from __type when the header is missing", async () => {
    const fetch = vi.fn(
      async () =>
        new Response('{"__type":"com.amazonaws.rolesanywhere#ValidationException","message":"bad duration"}', { status: 400 }),
    );
    await expect(fromRolesAnywhere(init({ fetch }))()).rejects.toMatchObject({
      errorType: "ValidationException",
      serviceMessage: "bad duration",
      requestId: undefined,
    });
  });

  it.each([
    ["the body's code", {}, '{"code":"ThrottlingException","message":"Rate exceeded"}', "ThrottlingException"],
    ["a header with a suffix", { "x-amzn-ErrorType": "AccessDeniedException:http://internal.amazon.com/coral/" }, "{}", "AccessDeniedException"],
    ["a namespaced header", { "x-amzn-ErrorType": "com.amazonaws.rolesanywhere#ResourceNotFoundException" }, "{}", "ResourceNotFoundException"],
  ])("reads the error type from %s, as AWS's clients do", async (_, headers: Record<string, string>, body, errorType) => {
    const fetch = vi.fn(async () => new Response(body, { status: 400, headers }));
    await expect(fromRolesAnywhere(init({ fetch }))()).rejects.toMatchObject({ code: "ROLES_ANYWHERE_SERVICE_ERROR", errorType });
  });

  it("quotes the service's message once, without doubling its full stop", async () => {
    const fetch = vi.fn(
      async () =>
        new Response('{"message":"Untrusted certificate. Insufficient certificate."}', {
          status: 403,
          headers: { "x-amzn-ErrorType": "AccessDeniedException", "x-amzn-RequestId": "req-9" },
        }),
    );
    const error = await fromRolesAnywhere(init({ fetch }))().then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(error?.message).toContain("(HTTP 403, request id req-9): Untrusted certificate. Insufficient certificate. Check ");
    expect(error).toMatchObject({ serviceMessage: "Untrusted certificate. Insufficient certificate." });
  });

  it("checks the certificate before sending anything", async () => {
    const expired = await world.leafFiles({ notBefore: new Date(Date.now() - 10 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    const count = world.emulator.callCount;
    await expect(fromRolesAnywhere(init(expired))()).rejects.toMatchObject({ code: "ROLES_ANYWHERE_CERTIFICATE_EXPIRED", tryNextLink: false });
    await expect(fromRolesAnywhere(init({ privateKey: expired.privateKey }))()).rejects.toMatchObject({ code: "ROLES_ANYWHERE_KEY_MISMATCH" });
    expect(world.emulator.callCount).toBe(count);
  });

  it("uses the injected clock for X-Amz-Date (the service refuses a skew over 5 minutes)", async () => {
    await expect(fromRolesAnywhere(init({ now: () => new Date(Date.now() + 6 * 60_000) }))()).rejects.toMatchObject({
      errorType: "AccessDeniedException",
      serviceMessage: expect.stringContaining("Signature expired"),
    });
    await fromRolesAnywhere(init({ now: () => new Date(Date.now() + 4 * 60_000) }))();
    expect(world.emulator.calls.at(-1)?.status).toBe(201);
  });

  it("warns once when the certificate expires within a week", async () => {
    const soon = await world.leafFiles({ notAfter: new Date(Date.now() + 2 * 86_400_000) });
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const provider = fromRolesAnywhere(init({ ...soon, logger }));
    await provider();
    await provider({ forceRefresh: true });
    expect(logger.warn).toHaveBeenCalledOnce();
    expect(logger.warn.mock.calls[0]?.[0]).toContain(soon.leaf.serialNumberDecimal);
  });

  it("validates options synchronously, before any I/O", () => {
    expect(() => fromRolesAnywhere(init({ durationSeconds: 60 }))).toThrow(
      expect.objectContaining({ code: "ROLES_ANYWHERE_INVALID_DURATION" }),
    );
  });
});

describe("the refresh deadline and CreateSession's own", () => {
  // A timer that fires at once for any delay under 40 s and never for a longer one: the refresh "takes" 40 s.
  const fortySecondsPass = (callback: () => void, delayMs: number): (() => void) => {
    if (delayMs < 40_000) queueMicrotask(callback);
    return () => {};
  };
  const slowFetch: typeof fetch = async (input, requestInit) => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return fetch(input, requestInit);
  };

  it("stays above a timeoutMs longer than the cache's default, so a slow answer is not abandoned", async () => {
    const credentials = await fromRolesAnywhere(init({ timeoutMs: 60_000, fetch: slowFetch, refresh: { setTimer: fortySecondsPass } }))();
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
  });

  it("keeps the cache's default (30 s) for the default timeoutMs, and the caller's refreshTimeoutMs always", async () => {
    for (const options of [{}, { timeoutMs: 60_000, refreshTimeoutMs: 30_000 }] as const) {
      const { refreshTimeoutMs, ...rest } = options as { timeoutMs?: number; refreshTimeoutMs?: number };
      const provider = fromRolesAnywhere(
        init({ ...rest, fetch: slowFetch, refresh: { setTimer: fortySecondsPass, ...(refreshTimeoutMs === undefined ? {} : { refreshTimeoutMs }) } }),
      );
      await expect(provider()).rejects.toMatchObject({ code: "REFRESH_TIMEOUT" });
    }
  });
});

describe(rolesAnywhereSourceTimeoutMs.name, () => {
  it("is CreateSession's timeoutMs, twice it with a key in a PKCS#11 token (the visit that signs has its own), else unset", () => {
    expect(rolesAnywhereSourceTimeoutMs({ timeoutMs: 20_000, privateKey: "/k.pem" })).toBe(20_000);
    expect(rolesAnywhereSourceTimeoutMs({ timeoutMs: 20_000, privateKey: "pkcs11:token=T;object=k" })).toBe(40_000);
    expect(rolesAnywhereSourceTimeoutMs({ privateKey: "pkcs11:token=T;object=k" })).toBeUndefined();
  });
});
