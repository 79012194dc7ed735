import { Agent, request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";

// Load that other local processes can put on a credentials server on loopback (a `roles-anywhere serve` sidecar):
// slow sockets that never finish their headers, and a flood of IMDSv2 token PUTs. For tests and benchmarks.

/** Sockets that send a request line and then one header line now and then, never the end of the headers. */
export interface SlowSockets {
  /** How long each socket the server closed had lived, in ms. */
  readonly closedLifetimesMs: readonly number[];
  /** Stops reopening them and destroys those still open. */
  stop(): void;
}

/**
 * Keeps `count` slow sockets open to 127.0.0.1:`port`: each sends one header line every `headerIntervalMs`; each one
 * the server closes is opened again.
 */
export function startSlowSockets(options: { port: number; count: number; headerIntervalMs: number }): SlowSockets {
  let running = true;
  const open = new Set<Socket>();
  const closedLifetimesMs: number[] = [];
  const openOne = (): void => {
    const openedAt = performance.now();
    const socket = connect(options.port, "127.0.0.1");
    open.add(socket);
    let timer: NodeJS.Timeout | undefined;
    socket.on("connect", () => {
      socket.write(`GET /latest/api/token HTTP/1.1\r\nHost: 127.0.0.1:${options.port}\r\n`);
      timer = setInterval(() => socket.write("X-Slow: 1\r\n"), options.headerIntervalMs);
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearInterval(timer);
      open.delete(socket);
      if (!running) return;
      closedLifetimesMs.push(performance.now() - openedAt);
      openOne();
    });
  };
  for (let i = 0; i < options.count; i += 1) openOne();
  return {
    closedLifetimesMs,
    stop() {
      running = false;
      for (const socket of open) socket.destroy();
    },
  };
}

/** IMDSv2 token PUTs as fast as `concurrency` keep-alive connections allow. */
export interface TokenFlood {
  /** Tokens the server issued (200 answers). */
  readonly tokensIssued: () => number;
  /** Stops the flood once the requests in flight are answered. */
  stop(): Promise<void>;
}

/** Starts a flood of `PUT /latest/api/token` to 127.0.0.1:`port`. */
export function startTokenFlood(options: { port: number; concurrency: number }): TokenFlood {
  let running = true;
  let tokens = 0;
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const put = () =>
    new Promise<void>((resolve) => {
      const request = httpRequest(
        {
          host: "127.0.0.1",
          port: options.port,
          method: "PUT",
          path: "/latest/api/token",
          agent,
          headers: { "x-aws-ec2-metadata-token-ttl-seconds": "21600" },
        },
        (response) => {
          if (response.statusCode === 200) tokens += 1;
          response.resume();
          response.on("end", resolve);
        },
      );
      request.on("error", () => resolve());
      request.end();
    });
  const loops = Array.from({ length: options.concurrency }, async () => {
    while (running) await put();
  });
  return {
    tokensIssued: () => tokens,
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
    },
  };
}
