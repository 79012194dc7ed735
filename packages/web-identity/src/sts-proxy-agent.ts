import type { ClientRequest } from "node:http";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { Socket } from "node:net";
import { ProxyError, type ProxySetting, registerSecret, resolveProxy } from "@workload-identity/core";
import { Agent, type AgentConnectOpts } from "agent-base";
import { HttpsProxyAgent } from "https-proxy-agent";

// The STS client's connections through an HTTP proxy. The SDK's NodeHttpHandler takes Node agents, so this is one:
// per request it asks core's one proxy rule (NO_PROXY included) and either tunnels with CONNECT (https-proxy-agent)
// or connects directly. A failure at the proxy becomes a ProxyError naming it, instead of the proxy's error page
// being read as STS's answer.

/** Answers of the proxy to CONNECT, by request: https-proxy-agent reports them as an event before replaying them. */
type ProxyConnect = { statusCode: number };

/**
 * A Node agent for the STS client that goes through the proxy `setting` names for each request, opening the
 * connection to the proxy and its tunnel within `connectTimeoutMs`.
 */
export function createStsProxyAgent(setting: ProxySetting, connectTimeoutMs: number): Agent {
  return new StsProxyAgent(setting, connectTimeoutMs);
}

class StsProxyAgent extends Agent {
  readonly #setting: ProxySetting;
  readonly #connectTimeoutMs: number;
  readonly #tunnels = new Map<string, HttpsProxyAgent<string>>();
  readonly #direct = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

  constructor(setting: ProxySetting, connectTimeoutMs: number) {
    super({ keepAlive: true });
    this.#setting = setting;
    this.#connectTimeoutMs = connectTimeoutMs;
  }

  override async connect(req: ClientRequest, opts: AgentConnectOpts): Promise<Socket | HttpAgent> {
    const name = opts.host ?? "localhost";
    const host = name.includes(":") ? `[${name}]` : name;
    const target = new URL(`${opts.secureEndpoint ? "https" : "http"}://${host}:${opts.port}`);
    const proxy = resolveProxy(this.#setting, target);
    if (proxy === undefined) return opts.secureEndpoint ? this.#direct.https : this.#direct.http;
    let tunnel = this.#tunnels.get(proxy.href);
    if (tunnel === undefined) {
      tunnel = tunnelAgent(proxy);
      this.#tunnels.set(proxy.href, tunnel);
    }
    let answer: ProxyConnect | undefined;
    req.once("proxyConnect", (connect: ProxyConnect) => {
      answer = connect;
    });
    const socket = await this.#withinConnectTimeout(tunnel.connect(req, opts), proxy, target);
    if (answer !== undefined && answer.statusCode !== 200) {
      socket.destroy();
      throw new ProxyError(proxy, target, { statusCode: answer.statusCode });
    }
    return socket;
  }

  /** The tunnel, or a ProxyError when the proxy cannot be reached or does not answer CONNECT in time. */
  async #withinConnectTimeout(pending: Promise<Socket>, proxy: URL, target: URL): Promise<Socket> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // A socket that arrives after the deadline is closed, not leaked.
        pending.then((late) => late.destroy(), () => undefined);
        reject(new ProxyError(proxy, target, { reason: `no tunnel within ${this.#connectTimeoutMs} ms` }));
      }, this.#connectTimeoutMs);
    });
    try {
      return await Promise.race([pending, timedOut]);
    } catch (error) {
      if (error instanceof ProxyError) throw error;
      const code = (error as { code?: unknown }).code;
      throw new ProxyError(proxy, target, { reason: typeof code === "string" ? code : "connection failed" }, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * https-proxy-agent for `proxy`, given the proxy without its user info and the credentials as a header: with
 * `DEBUG=https-proxy-agent`, that package logs the URL it was given, password included.
 */
function tunnelAgent(proxy: URL): HttpsProxyAgent<string> {
  const bare = new URL(proxy.href);
  bare.username = "";
  bare.password = "";
  if (proxy.username === "" && proxy.password === "") return new HttpsProxyAgent(bare.href, { keepAlive: true });
  const basic = Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString("base64");
  const authorization = `Basic ${basic}`;
  registerSecret(basic);
  return new HttpsProxyAgent(bare.href, { keepAlive: true, headers: { "Proxy-Authorization": authorization } });
}
