import { ProxyError, type ProxySetting, resolveProxy } from "@workload-identity/core";

// CreateSession through an HTTP proxy: the proxy is chosen per call by core's one rule (NO_PROXY included), and the
// request tunnels through it with CONNECT on undici's ProxyAgent. A failure at the proxy becomes a ProxyError that
// names it; anything past the tunnel (TLS, the service's answer) is reported as without a proxy.

type Undici = typeof import("undici");
type Dispatcher = InstanceType<Undici["Agent"]>;

/** System errors of the connection to the proxy: with a proxy, that is the only connection this client opens. */
const CONNECT_FAILURES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
]);

/**
 * The `fetch` CreateSession uses with the `proxy` option: undici's, through a ProxyAgent with `connectTimeoutMs` for
 * the connection to the proxy (and for TLS to the endpoint), or directly when NO_PROXY says so. undici is loaded at
 * the first call.
 */
export function createProxiedSessionFetch(connectTimeoutMs: number, setting: ProxySetting): typeof fetch {
  let loaded: Promise<Undici> | undefined;
  let direct: Dispatcher | undefined;
  const proxied = new Map<string, Dispatcher>();
  return async (input, init) => {
    loaded ??= import("undici");
    loaded.catch(() => {
      loaded = undefined;
    });
    const undici = await loaded;
    const target = new URL(input instanceof Request ? input.url : String(input));
    const proxy = resolveProxy(setting, target);
    let dispatcher: Dispatcher;
    if (proxy === undefined) {
      dispatcher = direct ??= new undici.Agent({ connect: { timeout: connectTimeoutMs } });
    } else {
      dispatcher = proxied.get(proxy.href) ?? newProxyAgent(undici, proxy, connectTimeoutMs);
      proxied.set(proxy.href, dispatcher);
    }
    try {
      // undici's Request and Response are the classes the global fetch uses; only their declared types differ.
      return (await undici.fetch(target, { ...(init as object), dispatcher })) as unknown as Response;
    } catch (error) {
      throw proxy === undefined ? error : (atProxy(error, proxy, target) ?? error);
    }
  };
}

function newProxyAgent(undici: Undici, proxy: URL, connectTimeoutMs: number): Dispatcher {
  return new undici.ProxyAgent({
    uri: proxy.href,
    proxyTls: { timeout: connectTimeoutMs },
    requestTls: { timeout: connectTimeoutMs },
  }) as unknown as Dispatcher;
}

/** A ProxyError when `error` (fetch's TypeError, with undici's errors in its cause chain) happened at the proxy. */
function atProxy(error: unknown, proxy: URL, target: URL): ProxyError | undefined {
  // undici nests them: "fetch failed" ← "Request was cancelled." ← "Proxy response (403) !== 200 when HTTP Tunneling".
  for (let cause = causeOf(error), depth = 0; cause !== undefined && depth < 5; cause = causeOf(cause), depth += 1) {
    const refused = /^Proxy response \((\d{3})\)/.exec(typeof cause.message === "string" ? cause.message : "");
    if (refused !== null) return new ProxyError(proxy, target, { statusCode: Number(refused[1]) }, { cause: error });
    // Through the tunnel the TLS handshake with the endpoint has the same connect timeout: the address it names tells.
    if (cause.code === "UND_ERR_CONNECT_TIMEOUT" && timedOutPort(cause.message) === portOf(target)) return undefined;
    if (typeof cause.code === "string" && CONNECT_FAILURES.has(cause.code)) {
      return new ProxyError(proxy, target, { reason: cause.code }, { cause: error });
    }
  }
  return undefined;
}

/** The port undici's connect timeout names ("attempted address: host:port, …"), if it names one. */
function timedOutPort(message: unknown): string | undefined {
  const attempted = /attempted address(?:es)?: ([^,)]+)/.exec(typeof message === "string" ? message : "");
  return attempted?.[1]?.trim().split(":").at(-1);
}

function portOf(url: URL): string {
  return url.port !== "" ? url.port : url.protocol === "https:" ? "443" : "80";
}

function causeOf(error: unknown): { code?: unknown; message?: unknown; cause?: unknown } | undefined {
  const cause = (error as { cause?: unknown } | null | undefined)?.cause;
  return cause !== null && typeof cause === "object" ? (cause as { code?: unknown; message?: unknown }) : undefined;
}
