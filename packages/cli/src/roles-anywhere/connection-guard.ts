import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** Options of {@link limitConnections}. */
export interface ConnectionLimitOptions {
  /** Most connections open at once. */
  readonly maxConnections: number;
  /**
   * How long a new connection may stay silent before it may be closed to make room: a real client sends its request
   * at once, but its bytes may still be on their way when a burst of connections arrives.
   */
  readonly graceMs: number;
  /** Milliseconds since the epoch. @defaultValue Date.now */
  readonly now?: () => number;
}

interface Connection {
  /** `busy` from a request's headers to the end of its response; `idle` between requests (keep-alive). */
  state: "awaiting-request" | "busy" | "idle";
  readonly openedAt: number;
}

/**
 * Caps the server's open connections. When one more arrives at the cap, the server makes room by closing, oldest
 * first, a connection that has sent no whole request within `graceMs` (a slow or silent client), else an idle
 * keep-alive one; only when every connection is young or in the middle of a request is the newcomer refused. Node's
 * own `maxConnections` always refuses the newcomer, which lets a few hundred silent sockets lock every real client
 * out until their header timeout.
 */
export function limitConnections(server: Server, options: ConnectionLimitOptions): void {
  const now = options.now ?? Date.now;
  // Insertion order is arrival order: the first match is the oldest.
  const connections = new Map<Socket, Connection>();

  const evictable = (at: number): Socket | undefined => {
    for (const [socket, connection] of connections) {
      if (connection.state === "awaiting-request" && at - connection.openedAt >= options.graceMs) return socket;
    }
    for (const [socket, connection] of connections) if (connection.state === "idle") return socket;
    return undefined;
  };

  server.on("connection", (socket: Socket) => {
    const at = now();
    if (connections.size >= options.maxConnections) {
      const victim = evictable(at);
      if (victim === undefined) {
        socket.destroy();
        return;
      }
      connections.delete(victim);
      victim.destroy();
    }
    connections.set(socket, { state: "awaiting-request", openedAt: at });
    socket.once("close", () => connections.delete(socket));
  });
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const connection = connections.get(request.socket);
    if (connection === undefined) return;
    connection.state = "busy";
    response.once("finish", () => {
      connection.state = "idle";
    });
  });
}
