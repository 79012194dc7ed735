import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Options of {@link listenOnLoopback}. */
export interface LoopbackServerOptions {
  /** The port on 127.0.0.1. @defaultValue 0 (any free port) */
  port?: number;
  /** Node's `keepAliveTimeout`, for servers whose clients hold idle connections longer. @defaultValue Node's */
  keepAliveTimeoutMs?: number;
}

/** An HTTP server listening on 127.0.0.1. */
export interface LoopbackServer {
  /** "http://127.0.0.1:PORT" */
  readonly endpoint: string;
  readonly port: number;
  /**
   * Stops listening and drops every open connection, a request still waiting for its answer included (so a test
   * that made a server hang never waits for it). Closing twice is harmless.
   */
  close(): Promise<void>;
}

/** Listens with `listener` on 127.0.0.1; rejects when the port is taken. */
export async function listenOnLoopback(listener: RequestListener, options: LoopbackServerOptions = {}): Promise<LoopbackServer> {
  const server = createServer(listener);
  if (options.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = options.keepAliveTimeoutMs;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () => (closing ??= closeServer(server)),
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
