import { type AddressInfo, createServer, type Socket } from "node:net";
import {
  findSecretLeaks,
  startTinyproxy,
  startWebIdentityWorld,
  type Tinyproxy,
  tinyproxyUnavailableReason,
  type WebIdentityWorld,
} from "@workload-identity/testing";
import { fromTokenFile } from "@workload-identity/web-identity";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

// AssumeRoleWithWebIdentity through a real HTTP proxy (Debian's tinyproxy on 127.0.0.1) to the STS emulator: the
// proxy's log proves the tunnel, NO_PROXY bypasses it, and a failing proxy gives PROXY_FAILED naming it.

const unavailable = tinyproxyUnavailableReason();
const USER = "corp-user";
const PASSWORD = "planted-sts-proxy-password-4e1a";
const noSleep = () => Promise.resolve();

describe.skipIf(unavailable !== undefined)(`fromTokenFile through tinyproxy${unavailable === undefined ? "" : ` — skipped: ${unavailable}`}`, () => {
  let world: WebIdentityWorld;
  let proxy: Tinyproxy;
  let authProxy: Tinyproxy;
  let stsHost: string;

  beforeAll(async () => {
    world = await startWebIdentityWorld({ namespace: "shop", serviceAccount: "orders" });
    stsHost = new URL(world.sts.endpoint).host;
    proxy = await startTinyproxy();
    authProxy = await startTinyproxy({ basicAuth: { user: USER, password: PASSWORD } });
  });
  afterAll(async () => {
    await Promise.all([proxy?.close(), authProxy?.close(), world?.close()]);
  });
  beforeEach(async () => {
    await world.writeToken();
    for (const [name, value] of Object.entries(world.env)) vi.stubEnv(name, value);
    for (const name of ["AWS_ROLE_SESSION_NAME", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "http_proxy", "ALL_PROXY", "all_proxy"]) {
      vi.stubEnv(name, "");
    }
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('proxy: "env" tunnels the STS call through HTTP_PROXY, as the proxy\'s log shows', async () => {
    vi.stubEnv("HTTP_PROXY", proxy.url);
    const before = (await proxy.requests()).length;
    const stsBefore = world.sts.callCount;
    await expect(fromTokenFile({ proxy: "env" })()).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    expect((await proxy.requests()).slice(before)).toEqual([`CONNECT ${stsHost} HTTP/1.1`]);
    expect(world.sts.callCount).toBe(stsBefore + 1);
  });

  it("NO_PROXY bypasses the proxy, and without the option the proxy variables are ignored", async () => {
    vi.stubEnv("HTTP_PROXY", proxy.url);
    vi.stubEnv("NO_PROXY", "127.0.0.1");
    const before = (await proxy.requests()).length;
    await expect(fromTokenFile({ proxy: "env" })()).resolves.toBeDefined();
    vi.stubEnv("NO_PROXY", "");
    await expect(fromTokenFile()()).resolves.toBeDefined();
    expect((await proxy.requests()).slice(before)).toEqual([]);
  });

  it("a proxy URL with credentials authenticates to the proxy", async () => {
    const before = (await authProxy.requests()).length;
    const url = authProxy.url.replace("http://", `http://${USER}:${PASSWORD}@`);
    await expect(fromTokenFile({ proxy: url })()).resolves.toBeDefined();
    expect((await authProxy.requests()).slice(before)).toEqual([`CONNECT ${stsHost} HTTP/1.1`]);
  });

  it("a proxy that refuses the tunnel (403) fails at once with PROXY_FAILED, STS never called", async () => {
    const strict = await startTinyproxy({ connectPorts: [443] });
    try {
      const stsBefore = world.sts.callCount;
      const error = await fromTokenFile({ proxy: strict.url, stsRetry: { maxAttempts: 3 }, sleep: noSleep })().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "PROXY_FAILED", proxy: `127.0.0.1:${strict.port}`, statusCode: 403, tryNextLink: false });
      // Refusals are final: one CONNECT, no retry.
      expect(await strict.requests()).toHaveLength(1);
      expect(world.sts.callCount).toBe(stsBefore);
    } finally {
      await strict.close();
    }
  });

  it("wrong proxy credentials fail with PROXY_FAILED, the passwords never printed", async () => {
    const wrong = "planted-wrong-sts-proxy-password-77c0";
    const url = authProxy.url.replace("http://", `http://${USER}:${wrong}@`);
    const error = await fromTokenFile({ proxy: url, sleep: noSleep })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "PROXY_FAILED", proxy: `127.0.0.1:${authProxy.port}` });
    expect([401, 407]).toContain((error as { statusCode?: number }).statusCode);
    expect(findSecretLeaks([error], [wrong, PASSWORD])).toEqual([]);
  });

  it("a proxy that is not running fails with PROXY_FAILED after the retries, naming it without its password", async () => {
    // Port 1: nothing listens there, and no other test can take it (a port just freed could be reused by a parallel test).
    const dead = { url: "http://127.0.0.1:1", port: 1 };
    vi.stubEnv("HTTP_PROXY", dead.url.replace("http://", `http://${USER}:${PASSWORD}@`));
    const logged: string[] = [];
    const logger = { debug: () => undefined, info: () => undefined, warn: (line: string) => logged.push(line), error: () => undefined };
    const error = await fromTokenFile({ proxy: "env", stsRetry: { maxAttempts: 2 }, sleep: noSleep, logger })().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "PROXY_FAILED", proxy: `127.0.0.1:${dead.port}`, statusCode: undefined });
    expect((error as Error).message).toContain("ECONNREFUSED");
    expect(logged).toEqual([expect.stringContaining(`PROXY_FAILED (proxy 127.0.0.1:${dead.port})`)]);
    expect(findSecretLeaks([error, logged], [PASSWORD])).toEqual([]);
  });
});

describe("a proxy that accepts the connection but never answers CONNECT", () => {
  it("fails within stsTimeouts.connectTimeoutMs with PROXY_FAILED", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const world = await startWebIdentityWorld();
    try {
      await world.writeToken();
      const started = Date.now();
      const error = await fromTokenFile({
        webIdentityTokenFile: world.env.AWS_WEB_IDENTITY_TOKEN_FILE,
        roleArn: world.roleArn,
        clientConfig: { region: world.region, endpoint: world.sts.endpoint },
        proxy: `http://127.0.0.1:${port}`,
        stsTimeouts: { connectTimeoutMs: 200, timeoutMs: 5_000 },
        stsRetry: { maxAttempts: 1 },
      })().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "PROXY_FAILED", proxy: `127.0.0.1:${port}`, message: expect.stringContaining("no tunnel within 200 ms") });
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
      await world.close();
    }
  });
});

describe("the proxy option of fromTokenFile", () => {
  it("is checked when the provider is made, without quoting the value", () => {
    let error: unknown;
    try {
      fromTokenFile({ proxy: "socks5://user:planted-socks-secret-1@proxy:1080" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: "INVALID_OPTION", message: expect.stringContaining("fromTokenFile: proxy must be") });
    expect(findSecretLeaks([error], ["planted-socks-secret-1"])).toEqual([]);
  });
});
