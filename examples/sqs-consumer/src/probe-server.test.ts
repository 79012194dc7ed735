import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { Health } from "./health.js";
import { Metrics } from "./metrics.js";
import { type ProbeServer, startProbeServer } from "./probe-server.js";

describe(startProbeServer.name, () => {
  let server: ProbeServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(): Promise<{ url: string; health: Health }> {
    const health = new Health({ waitTimeSeconds: 20, loops: 1, logger: pino({ level: "silent" }) });
    const metrics = new Metrics({ name: "c", version: "1", gitCommit: "x" }, () => health.readiness().ok);
    server = await startProbeServer({ host: "127.0.0.1", port: 0, health, metrics });
    return { url: `http://${server.address}`, health };
  }

  it("serves /metrics as Prometheus text (version 0.0.4)", async () => {
    const { url } = await start();
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(await response.text()).toMatch(/^sqs_consumer_ready 0$/m);
  });

  it("answers /readyz 503 with the reasons until the queue answered, then 200", async () => {
    const { url, health } = await start();
    const before = await fetch(`${url}/readyz`);
    expect(before.status).toBe(503);
    expect(before.headers.get("cache-control")).toBe("no-store");
    expect(await before.json()).toEqual({ status: "failing", reasons: ["queue not reached yet"] });
    health.recordSuccess();
    const after = await fetch(`${url}/readyz`);
    expect([after.status, await after.json()]).toEqual([200, { status: "ok" }]);
    expect((await fetch(`${url}/livez`)).status).toBe(200);
  });

  it("answers HEAD without a body, other methods with 405, other paths with 404", async () => {
    const { url } = await start();
    const head = await fetch(`${url}/livez`, { method: "HEAD" });
    expect([head.status, await head.text()]).toEqual([200, ""]);
    const post = await fetch(`${url}/metrics`, { method: "POST" });
    expect([post.status, post.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
    expect((await fetch(`${url}/`)).status).toBe(404);
  });
});
