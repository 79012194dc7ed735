// fromEnvironmentAware's proxy option: the source the environment chose calls AWS through a real HTTP proxy
// (Debian's tinyproxy on 127.0.0.1), as its log shows.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type RolesAnywhereWorld,
  startRolesAnywhereWorld,
  startTinyproxy,
  startWebIdentityWorld,
  type Tinyproxy,
  tinyproxyUnavailableReason,
  type WebIdentityWorld,
} from "@workload-identity/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { clearSharedCredentialCache, fromEnvironmentAware } from "../src/index.js";
import { isolateEnvironment } from "@workload-identity/testing/vitest";

const unavailable = tinyproxyUnavailableReason();

describe.skipIf(unavailable !== undefined)(`fromEnvironmentAware({ proxy })${unavailable === undefined ? "" : ` — skipped: ${unavailable}`}`, () => {
  let dir: string;
  let proxy: Tinyproxy;
  let webIdentity: WebIdentityWorld;
  let rolesAnywhere: RolesAnywhereWorld;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "credentials-proxy-"));
    [proxy, webIdentity, rolesAnywhere] = await Promise.all([startTinyproxy(), startWebIdentityWorld(), startRolesAnywhereWorld()]);
  });
  afterAll(async () => {
    await Promise.all([proxy?.close(), webIdentity?.close(), rolesAnywhere?.close()]);
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    clearSharedCredentialCache();
    isolateEnvironment(dir);
    for (const name of ["NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "http_proxy", "ALL_PROXY", "all_proxy"]) vi.stubEnv(name, "");
    vi.stubEnv("HTTP_PROXY", proxy.url);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("web identity found in the environment calls STS through the proxy", async () => {
    await webIdentity.writeToken();
    for (const [name, value] of Object.entries(webIdentity.env)) vi.stubEnv(name, value);
    const before = (await proxy.requests()).length;
    await expect(fromEnvironmentAware({ proxy: "env", fallback: false })()).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    expect((await proxy.requests()).slice(before)).toEqual([`CONNECT ${new URL(webIdentity.sts.endpoint).host} HTTP/1.1`]);
  });

  it("IAM Roles Anywhere found in the environment calls CreateSession through the proxy; without the option, directly", async () => {
    for (const [name, value] of Object.entries(rolesAnywhere.env)) vi.stubEnv(name, value);
    const before = (await proxy.requests()).length;
    await expect(fromEnvironmentAware({ proxy: "env", fallback: false })()).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    clearSharedCredentialCache();
    await expect(fromEnvironmentAware({ fallback: false })()).resolves.toBeDefined();
    expect((await proxy.requests()).slice(before)).toEqual([`CONNECT ${new URL(rolesAnywhere.emulator.endpoint).host} HTTP/1.1`]);
  });
});

describe("fromEnvironmentAware's proxy option", () => {
  it("is checked when the provider is made", () => {
    expect(() => fromEnvironmentAware({ proxy: "socks5://proxy:1080" })).toThrow(expect.objectContaining({ code: "INVALID_OPTION" }));
  });
});
