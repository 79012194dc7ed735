import { Agent, createServer, request as httpRequest, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createClock } from "../../test/cli-support.js";
import { limitConnections } from "./connection-guard.js";

// Polls, never sleeps; generous, as the machine is shared.
const WAIT = { timeout: 15_000, interval: 5 };

describe(limitConnections.name, () => {
  const opened: Socket[] = [];
  let server: Server | undefined;
  let agent: Agent | undefined;
  afterEach(async () => {
    for (const socket of opened.splice(0)) socket.destroy();
    agent?.destroy();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  /** A server whose handler waits for `release` when the path is /slow, with the limit under test applied. */
  async function start(maxConnections: number) {
    const clock = createClock();
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let accepted = 0;
    let requests = 0;
    server = createServer((request, response) => {
      requests += 1;
      void (request.url === "/slow" ? released : Promise.resolve()).then(() => response.end("ok"));
    });
    server.on("connection", () => (accepted += 1));
    limitConnections(server, { maxConnections, graceMs: 1_000, now: clock.now });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    return {
      clock,
      release,
      /** Resolves once the server has seen `count` requests in all. */
      requestsSeen: (count: number) => vi.waitFor(() => expect(requests).toBeGreaterThanOrEqual(count), WAIT),
      /** A silent connection, once the server has accepted it. */
      async silent(): Promise<{ socket: Socket; closedByServer: Promise<void> }> {
        const before = accepted;
        const socket = connect(port, "127.0.0.1");
        socket.on("error", () => undefined);
        const closedByServer = new Promise<void>((resolve) => socket.once("close", () => resolve()));
        opened.push(socket);
        await vi.waitFor(() => expect(accepted).toBe(before + 1), WAIT);
        return { socket, closedByServer };
      },
      get: (path: string, options: { agent?: Agent } = {}) =>
        new Promise<number>((resolve, reject) => {
          const req = httpRequest({ host: "127.0.0.1", port, path, agent: options.agent ?? false }, (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          });
          req.on("error", reject);
          req.end();
        }),
      connections: () => new Promise<number>((resolve) => server?.getConnections((_error, count) => resolve(count))),
    };
  }

  it("closes the oldest connection that stayed silent past its grace, to let a new client in", async () => {
    const s = await start(3);
    const [first, second, third] = [await s.silent(), await s.silent(), await s.silent()];
    s.clock.advance(1_000);
    expect(await s.get("/")).toBe(200);
    await first.closedByServer;
    expect(await s.connections()).toBe(2);
    expect([second.socket.destroyed, third.socket.destroyed]).toEqual([false, false]);
  });

  it("refuses the newcomer, and keeps the others, while every connection is within its grace", async () => {
    const s = await start(2);
    await s.silent();
    await s.silent();
    s.clock.advance(999);
    await expect(s.get("/")).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|EPIPE/) as string });
    expect(await s.connections()).toBe(2);
  });

  it("closes an idle keep-alive connection before a young silent one", async () => {
    const s = await start(2);
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
    expect(await s.get("/", { agent })).toBe(200); // now idle, kept alive
    const young = await s.silent();
    expect(await s.get("/")).toBe(200);
    expect(young.socket.destroyed).toBe(false);
    expect(await s.connections()).toBe(1); // the young one; the newcomer's own connection has closed
  });

  it("never closes a connection in the middle of a request", async () => {
    const s = await start(1);
    const slow = s.get("/slow");
    await s.requestsSeen(1);
    s.clock.advance(60_000);
    await expect(s.get("/")).rejects.toBeDefined();
    s.release();
    expect(await slow).toBe(200);
  });
});
