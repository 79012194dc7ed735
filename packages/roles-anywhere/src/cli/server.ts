import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ListenError } from "./errors.js";
import { type RouteHandler, sendText } from "./http-responses.js";
import type { JsonLogger } from "./log.js";
import { refusalReason } from "./request-guard.js";

/** The only address the sidecar binds: credentials must never be reachable from another host. */
export const LOOPBACK_HOST = "127.0.0.1";

/** Options of {@link startCredentialServer}. */
export interface CredentialServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Tried in order; the first that claims the path answers. */
  readonly routes: readonly RouteHandler[];
  readonly log: JsonLogger;
}

/** A running credential server. */
export interface CredentialServer {
  /** The port it listens on, on 127.0.0.1. */
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** Stops accepting connections and closes the open ones. */
  close(): Promise<void>;
}

/**
 * Starts the HTTP server on 127.0.0.1. Requests that did not come straight from a local process (another `Host`, an
 * `Origin`, a proxy's headers) are refused with 403 before any route sees them: see {@link refusalReason}.
 */
export async function startCredentialServer(options: CredentialServerOptions): Promise<CredentialServer> {
  const { log } = options;
  // Known once listening (the port may be 0 until then); no request arrives before.
  let listeningPort = options.port;
  const server: Server = createServer((request, response) => {
    // The request target as sent (an origin-form path); no URL parsing, so "//host/..." cannot turn into a host.
    const path = (request.url ?? "/").split("?", 1)[0] ?? "/";
    const answer = async (): Promise<void> => {
      const refused = refusalReason(request, listeningPort);
      if (refused !== undefined) return sendText(response, 403, `Forbidden: ${refused}`);
      for (const route of options.routes) {
        if (await route(request, response, path)) return;
      }
      sendText(response, 404, "Not Found");
    };
    answer()
      .catch((error: unknown) => {
        log.error("request failed", { path, error: error instanceof Error ? error.name : "unknown" });
        if (!response.headersSent) sendText(response, 500, "Internal Server Error");
        else response.destroy();
      })
      .finally(() => log.debug("request", { method: request.method, path, status: response.statusCode }));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error) => reject(new ListenError(options.port, error)));
    server.listen(options.port, LOOPBACK_HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  listeningPort = port;
  return {
    port,
    origin: `http://${LOOPBACK_HOST}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
