import {
  findSecretLeaks,
  type RolesAnywhereWorld,
  startRolesAnywhereWorld,
  startTinyproxy,
  type Tinyproxy,
  tinyproxyUnavailableReason,
} from "@workload-identity/testing";
import { createServer, type AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type FromRolesAnywhereInit, fromRolesAnywhere } from "../src/index.js";

// CreateSession through a real HTTP proxy (Debian's tinyproxy on 127.0.0.1): its log proves the tunnel was used, and
// a proxy that refuses gives a typed error naming it, never its password.

const unavailable = tinyproxyUnavailableReason();
const USER = "corp-user";
const PASSWORD = "planted-proxy-password-8f2c1d";

let world: RolesAnywhereWorld;
let proxy: Tinyproxy;
let authProxy: Tinyproxy;
let emulatorHost: string;

const exchange = (overrides: Partial<FromRolesAnywhereInit> = {}) =>
  fromRolesAnywhere({
    certificate: world.files.certificate,
    privateKey: world.files.privateKey,
    certificateChain: world.files.certificateChain,
    trustAnchorArn: world.trustAnchorArn,
    profileArn: world.profileArn,
    roleArn: world.roleArn,
    endpoint: world.emulator.endpoint,
    ...overrides,
  })();

const withCredentials = (url: string, user: string, password: string) => url.replace("http://", `http://${user}:${password}@`);

describe.skipIf(unavailable !== undefined)(`IAM Roles Anywhere through tinyproxy${unavailable === undefined ? "" : ` — skipped: ${unavailable}`}`, () => {
  beforeAll(async () => {
    world = await startRolesAnywhereWorld();
    emulatorHost = new URL(world.emulator.endpoint).host;
    proxy = await startTinyproxy();
    authProxy = await startTinyproxy({ basicAuth: { user: USER, password: PASSWORD } });
  });
  afterAll(async () => {
    await Promise.all([proxy?.close(), authProxy?.close(), world?.close()]);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('proxy: "env" tunnels CreateSession through HTTP_PROXY (loopback included), as the proxy\'s log shows', async () => {
    vi.stubEnv("HTTP_PROXY", proxy.url);
    vi.stubEnv("NO_PROXY", "");
    vi.stubEnv("no_proxy", "");
    const before = (await proxy.requests()).length;
    await expect(exchange({ proxy: "env" })).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    expect((await proxy.requests()).slice(before)).toEqual([`CONNECT ${emulatorHost} HTTP/1.1`]);
  });

  it("NO_PROXY bypasses the proxy, and without the option the proxy variables are ignored", async () => {
    vi.stubEnv("HTTP_PROXY", proxy.url);
    vi.stubEnv("NO_PROXY", "example.internal,127.0.0.1");
    const before = (await proxy.requests()).length;
    await expect(exchange({ proxy: "env" })).resolves.toBeDefined();
    vi.stubEnv("NO_PROXY", "");
    await expect(exchange()).resolves.toBeDefined();
    expect((await proxy.requests()).slice(before)).toEqual([]);
  });

  it("a proxy URL with credentials authenticates to the proxy", async () => {
    const before = (await authProxy.requests()).length;
    await expect(exchange({ proxy: withCredentials(authProxy.url, USER, PASSWORD) })).resolves.toBeDefined();
    expect((await authProxy.requests()).slice(before)).toEqual([`CONNECT ${emulatorHost} HTTP/1.1`]);
  });

  describe("a proxy that fails gives PROXY_FAILED naming host:port, before CreateSession reaches the service", () => {
    it("407/401: missing or wrong credentials, the password never printed", async () => {
      const wrong = "planted-wrong-proxy-password-0b7e";
      const before = world.emulator.callCount;
      const error = await exchange({ proxy: withCredentials(authProxy.url, USER, wrong) }).catch((e: unknown) => e);
      // tinyproxy answers 401 to wrong credentials, 407 to none.
      expect(error).toMatchObject({ code: "PROXY_FAILED", proxy: `127.0.0.1:${authProxy.port}`, statusCode: 401, tryNextLink: false });
      expect((error as Error).message).toContain(`127.0.0.1:${authProxy.port}`);
      expect((error as Error).message).toContain("credentials");
      await expect(exchange({ proxy: authProxy.url })).rejects.toMatchObject({ code: "PROXY_FAILED", statusCode: 407 });
      expect(findSecretLeaks([error], [wrong, PASSWORD])).toEqual([]);
      expect(world.emulator.callCount).toBe(before);
    });

    it("an endpoint that never answers TLS through the tunnel is not blamed on the proxy", async () => {
      const silent = createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
      const { port } = silent.address() as AddressInfo;
      try {
        const error = await exchange({ endpoint: `https://127.0.0.1:${port}`, proxy: proxy.url, connectTimeoutMs: 500, timeoutMs: 5_000 }).catch(
          (caught: unknown) => caught,
        );
        expect((error as { code?: string }).code).not.toBe("PROXY_FAILED");
        expect(String((error as Error).message)).toContain(`127.0.0.1:${port}`);
        expect((await proxy.requests()).at(-1)).toBe(`CONNECT 127.0.0.1:${port} HTTP/1.1`);
      } finally {
        silent.close();
      }
    });

    it("403: the proxy's ConnectPort rule refuses the tunnel", async () => {
      const strict = await startTinyproxy({ connectPorts: [443] });
      try {
        const error = await exchange({ proxy: strict.url }).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: "PROXY_FAILED", proxy: `127.0.0.1:${strict.port}`, statusCode: 403 });
        expect((error as Error).message).toMatch(/answered HTTP 403 to CONNECT/);
      } finally {
        await strict.close();
      }
    });

    it("a proxy that is not running, from HTTPS_PROXY/HTTP_PROXY with credentials, never printing them", async () => {
      // Port 1: nothing listens there, and no other test can take it (a port just freed could be reused by a parallel test).
      const dead = { url: "http://127.0.0.1:1", port: 1 };
      vi.stubEnv("HTTP_PROXY", withCredentials(dead.url, USER, PASSWORD));
      vi.stubEnv("NO_PROXY", "");
      vi.stubEnv("no_proxy", "");
      const error = await exchange({ proxy: "env" }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "PROXY_FAILED", proxy: `127.0.0.1:${dead.port}`, statusCode: undefined });
      expect((error as Error).message).toContain("ECONNREFUSED");
      expect(findSecretLeaks([error], [PASSWORD])).toEqual([]);
    });
  });
});

describe("the proxy option", () => {
  it("is checked when the provider is made, without quoting the value", () => {
    const bad = "ftp://user:planted-bad-scheme-secret@proxy:21";
    const init = {
      certificate: "/c",
      privateKey: "/k",
      trustAnchorArn: "arn:aws:rolesanywhere:eu-west-1:111122223333:trust-anchor/t",
      profileArn: "arn:aws:rolesanywhere:eu-west-1:111122223333:profile/p",
      roleArn: "arn:aws:iam::111122223333:role/r",
    };
    let error: unknown;
    try {
      fromRolesAnywhere({ ...init, proxy: bad });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: "ROLES_ANYWHERE_INVALID_OPTION", option: "proxy" });
    expect(findSecretLeaks([error], ["planted-bad-scheme-secret"])).toEqual([]);
    expect(() => fromRolesAnywhere({ ...init, proxy: "env" })).not.toThrow();
  });
});
