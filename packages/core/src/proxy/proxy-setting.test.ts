import { afterEach, describe, expect, it, vi } from "vitest";
import { redact } from "../redact.js";
import { ProxyError } from "./proxy-error.js";
import { proxyAddress, proxySettingProblem, resolveProxy } from "./proxy-setting.js";

afterEach(() => {
  vi.unstubAllEnvs();
});

const clearProxyEnv = () => {
  for (const name of ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"]) {
    vi.stubEnv(name, "");
    vi.stubEnv(name.toLowerCase(), "");
  }
};

describe(resolveProxy.name, () => {
  it('"env" picks the variable of the target\'s scheme, lower case first, at each call', () => {
    clearProxyEnv();
    expect(resolveProxy("env", "https://sts.eu-west-1.amazonaws.com/")).toBeUndefined();
    vi.stubEnv("HTTPS_PROXY", "http://upper:3128");
    expect(resolveProxy("env", "https://sts.eu-west-1.amazonaws.com/")?.host).toBe("upper:3128");
    vi.stubEnv("https_proxy", "lower:8080");
    // Without a scheme the proxy is spoken to in plain HTTP, as curl and Go do.
    expect(resolveProxy("env", "https://sts.eu-west-1.amazonaws.com/")?.href).toBe("http://lower:8080/");
    expect(resolveProxy("env", "http://127.0.0.1:9000/")).toBeUndefined();
    vi.stubEnv("HTTP_PROXY", "http://plain:3128");
    expect(resolveProxy("env", "http://127.0.0.1:9000/")?.host).toBe("plain:3128");
  });

  it("NO_PROXY exempts hosts, domain suffixes and host:port, and * everything", () => {
    clearProxyEnv();
    vi.stubEnv("HTTPS_PROXY", "http://proxy:3128");
    vi.stubEnv("NO_PROXY", "169.254.169.254, .internal.example, 127.0.0.1:9000");
    expect(resolveProxy("env", "https://rolesanywhere.internal.example/")).toBeUndefined();
    expect(resolveProxy("env", "https://127.0.0.1:9000/")).toBeUndefined();
    expect(resolveProxy("env", "https://127.0.0.1:9001/")?.host).toBe("proxy:3128");
    vi.stubEnv("NO_PROXY", "*");
    expect(resolveProxy("env", "https://sts.amazonaws.com/")).toBeUndefined();
  });

  it("a URL setting is used for every call, and its password is registered as a secret", () => {
    clearProxyEnv();
    const password = "planted-proxy-pass:with/odd@chars";
    const url = `http://corp:${encodeURIComponent(password)}@proxy.example:3128`;
    expect(resolveProxy(url, "https://sts.amazonaws.com/")?.host).toBe("proxy.example:3128");
    expect(redact(`failed: ${password} / ${url}`)).not.toContain(password);
    expect(redact(url)).not.toContain(encodeURIComponent(password));
    expect(redact(Buffer.from(`corp:${password}`).toString("base64"))).not.toContain("cGxhbnRlZC1wcm94eS1wYXNz");
  });
});

describe(proxySettingProblem.name, () => {
  it("accepts env and http(s) URLs, refuses the rest without quoting them", () => {
    expect(proxySettingProblem("env", "proxy")).toBeUndefined();
    expect(proxySettingProblem("http://proxy:3128", "proxy")).toBeUndefined();
    expect(proxySettingProblem("https://proxy:3129", "proxy")).toBeUndefined();
    for (const bad of ["socks5://proxy:1080", "http://", 3128, ""]) {
      const problem = proxySettingProblem(bad, "proxy");
      expect(problem).toMatch(/^proxy must be "env"/);
      if (typeof bad === "string" && bad.length > 8) expect(problem).not.toContain(bad);
    }
  });
});

describe(ProxyError.name, () => {
  it("names host:port and the proxy's answer, with the stable code", () => {
    const error = new ProxyError(new URL("http://u:secretsecret@proxy.example:3128"), new URL("https://sts.amazonaws.com"), { statusCode: 403 });
    expect(error).toMatchObject({ code: "PROXY_FAILED", proxy: "proxy.example:3128", statusCode: 403, tryNextLink: false });
    expect(error.message).toContain("The HTTP proxy proxy.example:3128 answered HTTP 403 to CONNECT sts.amazonaws.com");
    expect(proxyAddress(new URL("https://p.example"))).toBe("p.example:443");
  });
});
