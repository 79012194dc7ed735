import { describe, expect, it } from "vitest";
import { parseCli } from "./args.js";

const required = [
  "--certificate", "certs/tls.crt",
  "--private-key", "/keys/tls.key",
  "--trust-anchor-arn", "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/ta",
  "--profile-arn", "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/p",
  "--role-arn", "arn:aws:iam::123456789012:role/app",
];

describe(parseCli.name, () => {
  it("reads AWS's helper flags, resolving paths against the working directory", () => {
    const command = parseCli(
      ["credential-process", ...required, "--intermediates", "ca.crt", "--region", "eu-west-1", "--session-duration", "900",
        "--endpoint", "http://127.0.0.1:1", "--role-session-name", "job", "--timeout-ms", "2500", "--cache"],
      "/work",
    );
    expect(command).toEqual({
      command: "credential-process",
      cache: true,
      debug: false,
      signing: {
        certificate: "/work/certs/tls.crt",
        privateKey: "/keys/tls.key",
        intermediates: "/work/ca.crt",
        passphraseFile: undefined,
        trustAnchorArn: "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/ta",
        profileArn: "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/p",
        roleArn: "arn:aws:iam::123456789012:role/app",
        region: "eu-west-1",
        sessionDurationSeconds: 900,
        endpoint: "http://127.0.0.1:1",
        roleSessionName: "job",
        timeoutMs: 2500,
        pkcs11: { lib: undefined, pinFile: undefined, reusePin: false },
      },
    });
  });

  it("defaults serve to port 9911, without the container route, leaving the session duration to the library", () => {
    const command = parseCli(["serve", ...required], "/");
    expect(command).toMatchObject({ command: "serve", port: 9911, containerTokenFile: undefined });
    expect(command).toHaveProperty("signing.sessionDurationSeconds", undefined);
  });

  it("accepts --flag=value and --port 0", () => {
    const command = parseCli(["serve", ...required, "--port=0", "--container-token-file=/run/token"], "/");
    expect(command).toMatchObject({ port: 0, containerTokenFile: "/run/token" });
  });

  it("accepts --certificate without --private-key (a combined PEM or a PKCS#12 bundle holds the key)", () => {
    const command = parseCli(["credential-process", ...required.filter((_, i, all) => all[i] !== "--private-key" && all[i - 1] !== "--private-key")], "/");
    expect(command).toMatchObject({ command: "credential-process", signing: { certificate: "/certs/tls.crt", privateKey: undefined } });
  });

  it("maps --with-proxy, off by default", () => {
    expect(parseCli(["credential-process", ...required, "--with-proxy"], "/")).toMatchObject({ signing: { withProxy: true } });
    expect(parseCli(["serve", ...required], "/")).not.toHaveProperty("signing.withProxy");
  });

  it("names every missing required flag", () => {
    expect(parseCli(["serve", "--certificate", "c"])).toEqual({
      command: "usage-error",
      message: expect.stringContaining("--trust-anchor-arn, --profile-arn, --role-arn") as string,
    });
  });

  it.each([
    [["serve", ...required, "--port", "65536"], "--port"],
    [["serve", ...required, "--port", "http"], "--port"],
    [["credential-process", ...required, "--session-duration", "1h"], "--session-duration"],
    [["credential-process", ...required, "--timeout-ms", "0"], "--timeout-ms"],
    [["credential-process", ...required, "--no-such-flag"], "--no-such-flag"],
    [["credential-process", ...required, "--port", "1"], "--port"],
    [["serve", ...required, "--cache"], "--cache"],
    [["credential-process", ...required, "extra"], "extra"],
    [["sign-string"], "sign-string"],
  ])("rejects %j as a usage error naming %s", (argv, named) => {
    expect(parseCli(argv)).toEqual({ command: "usage-error", message: expect.stringContaining(named) as string });
  });

  it("keeps PKCS#11 URIs as given, lets the token hold the certificate, and reads the PKCS#11 flags", () => {
    const [, , , , ...arns] = required;
    const command = parseCli(
      ["serve", "--private-key", "pkcs11:token=T;object=k;type=private", ...arns, "--pkcs11-lib", "lib/p11.so",
        "--pkcs11-pin-file", "pin", "--reuse-pin"],
      "/work",
    );
    expect(command).toMatchObject({
      command: "serve",
      signing: {
        certificate: undefined,
        privateKey: "pkcs11:token=T;object=k;type=private",
        pkcs11: { lib: "/work/lib/p11.so", pinFile: "/work/pin", reusePin: true },
      },
    });
    const withCertificate = parseCli(["serve", ...required, "--certificate", "pkcs11:token=T;id=%01;type=cert"], "/work");
    expect(withCertificate).toMatchObject({ signing: { certificate: "pkcs11:token=T;id=%01;type=cert" } });
  });

  it("still requires --certificate with a private key file", () => {
    const [, , ...rest] = required;
    expect(parseCli(["serve", ...rest])).toEqual({ command: "usage-error", message: expect.stringContaining("--certificate") as string });
  });

  it("recognizes help and version", () => {
    expect(parseCli([])).toEqual({ command: "help" });
    expect(parseCli(["--help"])).toEqual({ command: "help" });
    expect(parseCli(["serve", "--help"])).toEqual({ command: "help" });
    expect(parseCli(["--version"])).toEqual({ command: "version" });
  });
});

describe("read-certificate-data with a PKCS#11 URI", () => {
  it("is a usage error that does not echo the URI, which may carry its PIN", () => {
    const pin = "493817";
    const command = parseCli(["read-certificate-data", "--certificate", `pkcs11:token=T;object=c?pin-value=${pin}`], "/work");
    expect(command).toEqual({ command: "usage-error", message: expect.stringContaining("--certificate must be a file") as string });
    expect(JSON.stringify(command)).not.toContain(pin);
  });
});
