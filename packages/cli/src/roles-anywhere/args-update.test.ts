import { describe, expect, it } from "vitest";
import { parseCli } from "./args.js";

const required = [
  "--certificate", "tls.crt",
  "--private-key", "tls.key",
  "--trust-anchor-arn", "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/ta",
  "--profile-arn", "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/p",
  "--role-arn", "arn:aws:iam::123456789012:role/app",
];

describe(`${parseCli.name}: update and read-certificate-data`, () => {
  it("reads update's --profile and --once, defaulting to the profile named default", () => {
    expect(parseCli(["update", ...required, "--role-session-name", "job"], "/w")).toMatchObject({
      command: "update",
      profile: "default",
      once: false,
      debug: false,
      signing: { certificate: "/w/tls.crt", roleSessionName: "job" },
    });
    expect(parseCli(["update", ...required, "--profile", "ra-prod", "--once", "--debug"], "/w")).toMatchObject({
      command: "update",
      profile: "ra-prod",
      once: true,
      debug: true,
    });
  });

  it.each(["a]b", "[x", " padded", "two\nlines"])("refuses --profile %j", (profile) => {
    expect(parseCli(["update", ...required, "--profile", profile], "/w")).toEqual({
      command: "usage-error",
      message: expect.stringContaining("--profile must be a profile name"),
    });
  });

  it("needs update's signing flags, and refuses serve's flags", () => {
    expect(parseCli(["update", "--profile", "p"], "/w")).toMatchObject({ command: "usage-error", message: expect.stringContaining("missing --certificate") });
    expect(parseCli(["update", ...required, "--port", "1"], "/w")).toMatchObject({ command: "usage-error", message: expect.stringContaining("--port") });
  });

  it("reads read-certificate-data --certificate, and nothing that signs", () => {
    expect(parseCli(["read-certificate-data", "--certificate", "c/tls.crt"], "/w")).toEqual({
      command: "read-certificate-data",
      certificate: "/w/c/tls.crt",
      debug: false,
    });
    expect(parseCli(["read-certificate-data"], "/w")).toMatchObject({ command: "usage-error", message: expect.stringContaining("missing --certificate") });
    expect(parseCli(["read-certificate-data", "--certificate", "c", "--private-key", "k"], "/w")).toMatchObject({
      command: "usage-error",
      message: expect.stringContaining("--private-key"),
    });
  });

  it("names every command when the command is unknown", () => {
    expect(parseCli(["sign-string"], "/w")).toMatchObject({
      command: "usage-error",
      message: expect.stringContaining("credential-process, serve, update or read-certificate-data"),
    });
  });
});
