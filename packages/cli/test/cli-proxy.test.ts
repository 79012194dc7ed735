import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type RolesAnywhereWorld,
  startRolesAnywhereWorld,
  startTinyproxy,
  type Tinyproxy,
  tinyproxyUnavailableReason,
} from "@workload-identity/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv, runCliProcess, worldFlags } from "./cli-support.js";

// `roles-anywhere credential-process --with-proxy`, as AWS's helper: CreateSession through HTTP(S)_PROXY minus
// NO_PROXY, here a real tinyproxy on 127.0.0.1 whose log shows the tunnel.

const unavailable = tinyproxyUnavailableReason();
const PASSWORD = "planted-cli-proxy-password-6d2b";

describe.skipIf(unavailable !== undefined)(`roles-anywhere credential-process --with-proxy${unavailable === undefined ? "" : ` — skipped: ${unavailable}`}`, () => {
  let world: RolesAnywhereWorld;
  let proxy: Tinyproxy;
  let home: string;

  beforeAll(async () => {
    [world, proxy] = await Promise.all([startRolesAnywhereWorld(), startTinyproxy()]);
    home = await mkdtemp(join(tmpdir(), "ra-cli-proxy-"));
  });
  afterAll(async () => {
    await Promise.all([world?.close(), proxy?.close()]);
    await rm(home, { recursive: true, force: true });
  });

  const flags = (extra: readonly string[] = []) => [
    "credential-process",
    ...worldFlags(world),
    ...extra,
  ];
  const emulatorHost = () => new URL(world.emulator.endpoint).host;

  it("tunnels CreateSession through HTTP_PROXY; without the flag, or for a NO_PROXY host, it connects directly", async () => {
    const before = (await proxy.requests()).length;
    const viaProxy = await runCliProcess(flags(["--with-proxy"]), childEnv(home, { HTTP_PROXY: proxy.url }));
    expect(viaProxy.stderr).toBe("");
    expect(JSON.parse(viaProxy.stdout)).toMatchObject({ Version: 1, AccessKeyId: world.emulator.credentialsIssued().at(-1)?.accessKeyId });
    expect((await proxy.requests()).slice(before)).toEqual([`CONNECT ${emulatorHost()} HTTP/1.1`]);

    const direct = await runCliProcess(flags(), childEnv(home, { HTTP_PROXY: proxy.url }));
    const exempt = await runCliProcess(flags(["--with-proxy"]), childEnv(home, { HTTP_PROXY: proxy.url, NO_PROXY: "127.0.0.1" }));
    expect([direct.code, exempt.code]).toEqual([0, 0]);
    expect((await proxy.requests()).slice(before)).toHaveLength(1);
  });

  it("a proxy that is not running: exit 1, PROXY_FAILED naming host:port, its password never printed", async () => {
    // Port 1: nothing listens there, and no other test can take it (a port just freed could be reused by a parallel test).
    const dead = { url: "http://127.0.0.1:1", port: 1 };
    const { code, stdout, stderr } = await runCliProcess(
      flags(["--with-proxy"]),
      childEnv(home, { HTTP_PROXY: dead.url.replace("http://", `http://corp:${PASSWORD}@`) }),
    );
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain(`PROXY_FAILED: The HTTP proxy 127.0.0.1:${dead.port} could not be reached (ECONNREFUSED)`);
    expect(stderr).not.toContain(PASSWORD);
  });
});
