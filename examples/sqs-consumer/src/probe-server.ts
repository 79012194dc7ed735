import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Health } from "./health.js";
import type { Metrics } from "./metrics.js";

/** The running probe server. */
export interface ProbeServer {
  /** The address it listens on, e.g. `127.0.0.1:41234`. */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves `/livez`, `/readyz` (200 or 503 with the reasons, as JSON) and `/metrics` (Prometheus text) for the
 * kubelet and the scraper.
 */
export async function startProbeServer(options: {
  readonly host: string;
  readonly port: number;
  readonly health: Health;
  readonly metrics: Metrics;
}): Promise<ProbeServer> {
  const { health, metrics } = options;
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/livez" || path === "/readyz") {
      const result = path === "/livez" ? health.liveness() : health.readiness();
      const body = JSON.stringify(result.ok ? { status: "ok" } : { status: "failing", reasons: result.reasons });
      response.writeHead(result.ok ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
      response.end(request.method === "HEAD" ? undefined : body);
      return;
    }
    if (path === "/metrics") {
      response.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      response.end(request.method === "HEAD" ? undefined : metrics.render());
      return;
    }
    response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  });
  // Probes are tiny; never let a slow client hold a socket.
  server.requestTimeout = 5_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  const host = bound.family === "IPv6" ? `[${bound.address}]` : bound.address;
  return {
    address: `${host}:${bound.port}`,
    port: bound.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
