import { getProxyForUrl } from "proxy-from-env";
import { registerSecret } from "../secret-registry.js";

// The one proxy rule of the project: which proxy (if any) a call to a URL goes through. Every package that calls AWS
// (IAM Roles Anywhere's CreateSession, STS) resolves its proxy here, so NO_PROXY means the same thing everywhere.

/**
 * How a provider reaches AWS through an HTTP proxy, when it is told to (never by default): `"env"` reads
 * `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` and `NO_PROXY` (lower case first, as curl) at each call; a URL such as
 * `http://user:pass@proxy.internal:3128` sends every call through that proxy.
 */
export type ProxySetting = "env" | (string & {});

/**
 * What is wrong with a proxy option, or `undefined` when it is `"env"` or an http(s) URL with a host. The message
 * never quotes the value (a proxy URL may carry a password). Registers the URL's credentials as secrets.
 */
export function proxySettingProblem(value: unknown, option: string): string | undefined {
  if (value === "env") return undefined;
  const url = typeof value === "string" ? parseProxyUrl(value) : undefined;
  if (url === undefined) {
    return `${option} must be "env" (HTTPS_PROXY, HTTP_PROXY and NO_PROXY) or a proxy URL such as http://proxy.internal:3128.`;
  }
  return undefined;
}

/**
 * The proxy a call to `target` goes through under `setting`, or `undefined` to connect directly (NO_PROXY matches,
 * or no proxy variable is set). Registers the proxy's password as a secret before anyone can print it.
 */
export function resolveProxy(setting: ProxySetting, target: URL | string): URL | undefined {
  if (setting !== "env") return parseProxyUrl(setting);
  const targetUrl = typeof target === "string" ? new URL(target) : target;
  const value = getProxyForUrl(targetUrl.href);
  if (value === "") return undefined;
  // proxy-from-env gives a scheme-less value the target's scheme; curl, Go and Python speak plain HTTP to it.
  return parseProxyUrl(rawProxyVariable(targetUrl)?.includes("://") === false ? `http://${value.replace(/^[a-z]+:\/\//, "")}` : value);
}

/** The variable proxy-from-env read, in its order: `<scheme>_proxy`, `<SCHEME>_PROXY`, `all_proxy`, `ALL_PROXY`. */
function rawProxyVariable(target: URL): string | undefined {
  const scheme = target.protocol.replace(/:$/, "");
  return [`${scheme}_proxy`, `${scheme.toUpperCase()}_PROXY`, "all_proxy", "ALL_PROXY"]
    .map((name) => process.env[name])
    .find((value): value is string => value !== undefined && value !== "");
}

/** `host:port` of a proxy, for messages: never its user name or password. */
export function proxyAddress(proxy: URL): string {
  return `${proxy.hostname}:${proxy.port || (proxy.protocol === "https:" ? "443" : "80")}`;
}

function parseProxyUrl(value: string): URL | undefined {
  let url: URL;
  try {
    // "proxy:3128" without a scheme: proxies are spoken to in plain HTTP unless told otherwise (as curl does).
    url = new URL(value.includes("://") ? value : `http://${value}`);
  } catch {
    return undefined;
  }
  if (url.password !== "") {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    // The password as written, decoded, and inside the Proxy-Authorization header's Basic value.
    registerSecret(url.password, password, Buffer.from(`${user}:${password}`).toString("base64"));
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") return undefined;
  return url;
}
