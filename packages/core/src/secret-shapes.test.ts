import { describe, expect, it } from "vitest";
import { looksLikeSecret } from "./secret-shapes.js";

const JWT =
  "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6c2hvcDpvcmRlcnMifQ.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWc";
const PEM = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIGlRW4gI0JmR5VZ1v0eK8d6h2f4G7YwM8nqf3bXw0sHzoAoGCCqGSM49\n-----END EC PRIVATE KEY-----\n";

describe(looksLikeSecret.name, () => {
  it.each([
    ["a JWT", JWT],
    ["a JWT with a trailing newline (a JS $ does not match before it)", `${JWT}\n`],
    ["a JWT whose header is not the usual one", `${Buffer.from('{"typ":"JWT","alg":"none"}').toString("base64url")}.e30.`],
    ["a PEM key", PEM],
    ["the base64 of a PEM key (a Kubernetes Secret's data: value)", Buffer.from(PEM).toString("base64")],
    ["a PEM key with a mangled BEGIN line", PEM.replace("-----BEGIN", "----BEGIN")],
    ["hex DER", Buffer.from(PEM.split("\n")[1] ?? "", "base64").toString("hex")],
    ["an AWS secret access key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE9k"],
    ["anything on two lines", "first line\nsecond line"],
  ])("is true for %s", (_, value) => {
    expect(looksLikeSecret(value)).toBe(true);
  });

  it.each([
    "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
    "serviceaccount.token-file.projected",
    "./certs/tls.key",
    "tls.key",
    "C:\\secrets\\tls.key",
    "/var/lib/kubelet/pods/1f2e3d4c-5b6a-7980-a1b2-c3d4e5f60718/volumes/kubernetes.io~projected/token",
    "/run/creds/token\n",
  ])("is false for the path %j", (value) => {
    expect(looksLikeSecret(value)).toBe(false);
  });
});
