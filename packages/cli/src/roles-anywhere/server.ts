import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { limitConnections } from "./connection-guard.js";
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
  /** Most connections open at once; see {@link limitConnections}. @defaultValue 256 */
  readonly maxConnections?: number;
  /** How long a new connection may stay silent before it may be closed to make room. @defaultValue 1000 */
  readonly connectionGraceMs?: number;
  /** How long a client may take to send a request's headers, from its connection on. @defaultValue 3000 */
  readonly headersTimeoutMs?: number;
  /** How long a client may take to send a whole request. @defaultValue 5000 */
  readonly requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open. @defaultValue 5000 */
  readonly keepAliveTimeoutMs?: number;
}

/**
 * The defaults of {@link CredentialServerOptions}. SDKs send a request in one write and read credentials at most a
 * few times an hour, so seconds are plenty; Node's own defaults (60 s for headers, checked every 30 s) let slow
 * sockets pile up.
 */
export const SERVER_LIMITS = {
  maxConnections: 256,
  connectionGraceMs: 1_000,
  headersTimeoutMs: 3_000,
  requestTimeoutMs: 5_000,
  keepAliveTimeoutMs: 5_000,
} as const;

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
  const handle = (request: IncomingMessage, response: ServerResponse): void => {
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
  };
  const headersTimeoutMs = options.headersTimeoutMs ?? SERVER_LIMITS.headersTimeoutMs;
  const server: Server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: Math.max(options.requestTimeoutMs ?? SERVER_LIMITS.requestTimeoutMs, headersTimeoutMs),
      // How often Node looks for connections past those deadlines: a fraction of the shortest one.
      connectionsCheckingInterval: Math.max(10, Math.floor(headersTimeoutMs / 4)),
    },
    handle,
  );
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? SERVER_LIMITS.keepAliveTimeoutMs;
  limitConnections(server, {
    maxConnections: options.maxConnections ?? SERVER_LIMITS.maxConnections,
    graceMs: options.connectionGraceMs ?? SERVER_LIMITS.connectionGraceMs,
  });
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
