import { afterEach, describe, expect, it } from "vitest";
import { createCallLog } from "./call-log.js";
import { type EmulatorHandler, startEmulatorServer } from "./emulator-server.js";
import { createFaultQueue } from "./fault-queue.js";
import type { LoopbackServer } from "./loopback-server.js";

describe(startEmulatorServer.name, () => {
  let server: LoopbackServer | undefined;
  afterEach(() => server?.close());
  const start = async (handle: EmulatorHandler, maxBodyBytes?: number) => {
    server = await startEmulatorServer(handle, {
      ...(maxBodyBytes === undefined ? {} : { maxBodyBytes }),
      failure: (status, message) => ({ status, headers: { "x-failure": "yes" }, body: message }),
    });
    return server;
  };

  it("listens on 127.0.0.1 and hands the handler the method, URL, headers and whole body", async () => {
    const seen: unknown[] = [];
    const { endpoint } = await start((request) => {
      seen.push([request.method, request.url.pathname, request.url.searchParams.get("a"), request.header("X-Test"), request.body.toString()]);
      return { status: 201, headers: { "content-type": "text/plain" }, body: "made" };
    });
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${endpoint}/things?a=1`, { method: "POST", headers: { "x-test": "t" }, body: "payload" });
    expect([response.status, await response.text()]).toEqual([201, "made"]);
    expect(seen).toEqual([["POST", "/things", "1", "t", "payload"]]);
  });

  it("answers a body over the cap with the service's failure answer, 413, without calling the handler", async () => {
    let calls = 0;
    const { endpoint } = await start(() => ({ status: 200, body: String((calls += 1)) }), 8);
    const response = await fetch(endpoint, { method: "POST", body: "123456789" });
    expect([response.status, response.headers.get("x-failure"), await response.text()]).toEqual([413, "yes", "The request body is over 8 bytes."]);
    expect(calls).toBe(0);
    expect((await fetch(endpoint, { method: "POST", body: "12345678" })).status).toBe(200);
  });

  it("answers a handler that throws with the service's failure answer, 500", async () => {
    const { endpoint } = await start(() => {
      throw new Error("broken emulator");
    });
    const response = await fetch(endpoint);
    expect([response.status, await response.text()]).toEqual([500, "Error: broken emulator"]);
  });

  it("drops a request it hangs on when closed, and closes twice without complaint", async () => {
    const { endpoint, close } = await start(() => new Promise(() => undefined));
    const pending = fetch(endpoint).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await close();
    await close();
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe(createFaultQueue.name, () => {
  it("serves each injected fault once, in order, `times` times, until cleared", () => {
    const faults = createFaultQueue<string>();
    faults.inject("a");
    faults.inject("b", 2);
    expect([faults.next(), faults.next(), faults.next(), faults.next()]).toEqual(["a", "b", "b", undefined]);
    faults.inject("c", 3);
    faults.clear();
    expect(faults.next()).toBeUndefined();
  });
});

describe(createCallLog.name, () => {
  it("counts arrivals apart from the records, so a call never answered still counts", () => {
    const log = createCallLog<{ status: number }>();
    log.arrive();
    log.arrive();
    log.record({ status: 200 });
    expect([log.arrivals, log.calls]).toEqual([2, [{ status: 200 }]]);
  });
});
