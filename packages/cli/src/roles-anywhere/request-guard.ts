import type { IncomingMessage } from "node:http";

/** Headers that a proxy adds: a request carrying one did not come straight from a process on this host. */
const PROXY_HEADERS = ["x-forwarded-for", "forwarded", "via"] as const;

/**
 * Why a request must be refused before any route sees it, or `undefined` when it may proceed.
 *
 * Only the pod's own processes may read credentials, and they call `http://127.0.0.1:PORT/` (or `localhost`) directly:
 * - another `Host` is a page whose DNS name was rebound to 127.0.0.1 (a browser sends the page's name), or a proxy;
 * - an `Origin` header comes from a browser (every cross-origin request, and every PUT, carries one); SDKs never send it;
 * - `X-Forwarded-For`, `Forwarded` or `Via` mean a proxy relayed the request, maybe from another machine (IMDS
 *   refuses `X-Forwarded-For` for the same reason).
 * @param port - the port the server listens on, part of every `Host` a direct client sends
 */
export function refusalReason(request: IncomingMessage, port: number): string | undefined {
  for (const name of PROXY_HEADERS) {
    if (request.headers[name] !== undefined) return `requests carrying ${name} are refused (sent through a proxy)`;
  }
  if (request.headers.origin !== undefined) return "requests carrying Origin are refused (sent by a browser)";
  if (!isLoopbackHost(request.headers.host, port)) {
    return `the Host header must be 127.0.0.1:${port} or localhost:${port}`;
  }
  return undefined;
}

function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const value = host.toLowerCase();
  const names = ["127.0.0.1", "localhost"];
  // A client leaves the port out of Host only when it is the scheme's default.
  return names.some((name) => value === `${name}:${port}` || (port === 80 && value === name));
}
