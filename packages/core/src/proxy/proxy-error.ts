import { WorkloadIdentityError } from "../errors.js";
import { proxyAddress } from "./proxy-setting.js";

/** How a call through a proxy failed at the proxy, for {@link ProxyError}. */
export interface ProxyFailure {
  /** The proxy's answer to CONNECT when it was not 200 (403: refused by its rules, 407 or 401: authentication). */
  readonly statusCode?: number | undefined;
  /** The system error of the connection to the proxy, e.g. `ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_CONNECT_TIMEOUT`. */
  readonly reason?: string | undefined;
}

/**
 * A call to AWS could not go through the HTTP proxy it was sent to: the proxy is not reachable, or refused the
 * tunnel. Names the proxy as `host:port`, never its user name or password.
 */
export class ProxyError extends WorkloadIdentityError {
  /** Always `PROXY_FAILED`. */
  declare readonly code: "PROXY_FAILED";
  /** The proxy, as `host:port`. */
  readonly proxy: string;
  /** The proxy's answer to CONNECT, when it answered something else than 200. */
  readonly statusCode: number | undefined;

  constructor(proxy: URL, target: URL, failure: ProxyFailure, options: { cause?: unknown } = {}) {
    const address = proxyAddress(proxy);
    const what =
      failure.statusCode !== undefined
        ? `answered HTTP ${failure.statusCode} to CONNECT ${target.host}`
        : `could not be reached (${failure.reason ?? "connection failed"})`;
    super("PROXY_FAILED", `The HTTP proxy ${address} ${what}. ${adviceFor(failure, target)}`, options);
    this.proxy = address;
    this.statusCode = failure.statusCode;
  }
}

function adviceFor(failure: ProxyFailure, target: URL): string {
  const settings = "the proxy option, or HTTPS_PROXY / HTTP_PROXY / NO_PROXY with the \"env\" setting";
  // 407 asks for credentials; tinyproxy, among others, answers wrong ones with 401.
  if (failure.statusCode === 407 || failure.statusCode === 401) {
    return `The proxy wants (other) credentials: put them in the proxy URL (${settings}).`;
  }
  if (failure.statusCode !== undefined && failure.statusCode < 500) {
    return `The proxy's rules refuse this client or ${target.host}: ask for it to be allowed, or list the host in NO_PROXY.`;
  }
  if (failure.statusCode !== undefined) return `The proxy could not reach ${target.host}: check its own network path.`;
  return `Check ${settings}, and that the proxy runs and this host may connect to it.`;
}
