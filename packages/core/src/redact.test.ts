import { describe, expect, it } from "vitest";
import { REDACTED, redact, redactValue } from "./redact.js";
import { registerSecret } from "./secret-registry.js";

// Shapes of real secrets, made up here.
const SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE9k";
const JWT =
  "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6c2hvcDpvcmRlcnMifQ.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWc";
const PEM = `-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgLS0tLS1CRUdJTiBQUklW\nQVRFIEtFWS0tLS0tCk1JR0hBZ0VBTUJNR0J5cUdTTTQ5QWdFR0NDcUdTTTQ5QXdFSA==\n-----END PRIVATE KEY-----\n`;

describe(redact.name, () => {
  it("removes every registered secret, also trimmed, URL-encoded, JSON-escaped and line by line", () => {
    const passphrase = "correct horse battery staple";
    const token = "FwoGZXIvYXdzEBYaDP+session/token==";
    registerSecret(passphrase, `${token}\n`, PEM);
    const text = [
      `passphrase ${passphrase}`,
      `form WebIdentityToken=${encodeURIComponent(token)}`,
      `json ${JSON.stringify({ PEM })}`,
      `one line ${PEM.split("\n")[2]}`,
    ].join("; ");
    const redacted = redact(text);
    expect(redacted).not.toContain(passphrase);
    expect(redacted).not.toContain(token);
    expect(redacted).not.toContain(encodeURIComponent(token));
    expect(redacted).not.toContain(PEM.split("\n")[1]);
    expect(redacted).not.toContain(PEM.split("\n")[2]);
    expect(redacted).toContain(REDACTED);
  });

  it.each([
    ["a JWT", `token ${JWT} refused`],
    ["a PEM block", `key ${PEM} here`],
    ["a PEM block with a mangled BEGIN line and no END", `key ----BEGIN PRIVATE KEY---\n${PEM.split("\n")[1]}`],
    ["an AWS secret access key", `SecretAccessKey=${SECRET_KEY}&x=1`],
    ["a session token", `<SessionToken>IQoJb3JpZ2luX2VjEJr//////////wEaCWV1LXdlc3QtMSJHMEUCIQDt7example+token</SessionToken>`],
    ["hex DER", `key 308187020100301306072a8648ce3d020106082a8648ce3d030107046d306b0201010420`],
  ])("removes %s nobody registered", (_, text) => {
    const redacted = redact(text);
    expect(redacted).toContain(REDACTED);
    for (const secret of [JWT, SECRET_KEY, PEM.split("\n")[1] ?? "", "IQoJb3JpZ2luX2VjEJr", "308187020100301306072a8648ce3d"]) {
      expect(redacted).not.toContain(secret);
    }
  });

  it.each([
    "arn:aws:iam::111122223333:role/orders-consumer-production-eu-west-1",
    "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
    "certificate subject \"CN=workload.test\", serial 84105481219488540214646253944067445836",
    "request id 2c1f0d5a-9b7e-4c2d-8f3a-1e2d3c4b5a69 at 2026-12-02T06:25:14.518Z",
    "https://rolesanywhere.eu-west-1.amazonaws.com/sessions",
    "access key ASIAQNZGKEXAMPLEAKID",
  ])("leaves what is not a secret as it is: %s", (text) => {
    expect(redact(text)).toBe(text);
  });
});

describe(redactValue.name, () => {
  it("redacts every string of a JSON-like value and keeps its shape", () => {
    const value = { error: { message: `bad ${JWT}` }, list: [`key ${SECRET_KEY}`, 3, null], when: "2026-12-02" };
    expect(redactValue(value)).toEqual({ error: { message: `bad ${REDACTED}` }, list: [`key ${REDACTED}`, 3, null], when: "2026-12-02" });
  });
});
