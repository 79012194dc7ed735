import { describe, expect, it } from "vitest";
import { createSessionError } from "../../test/cli-support.js";
import { createJsonLogger, describeError, toSdkLogger } from "./log.js";

describe(createJsonLogger.name, () => {
  const setup = (debug = false) => {
    const lines: string[] = [];
    const log = createJsonLogger({ write: (line) => lines.push(line), now: () => new Date(0), debug });
    return { lines, log };
  };

  it("writes one JSON object per line with time, level, message and fields", () => {
    const { lines, log } = setup();
    log.warn("certificate expires soon", { serialNumber: "42", remainingHours: 5 });
    expect(lines).toEqual([
      '{"time":"1970-01-01T00:00:00.000Z","level":"warn","msg":"certificate expires soon","serialNumber":"42","remainingHours":5}\n',
    ]);
  });

  it("prints debug lines only when asked", () => {
    const quiet = setup();
    quiet.log.debug("request");
    expect(quiet.lines).toEqual([]);
    const verbose = setup(true);
    verbose.log.debug("request");
    expect(verbose.lines).toHaveLength(1);
  });

  it("redacts registered secrets, raw and JSON-escaped", () => {
    const { lines, log } = setup();
    log.addSecret('pass"phrase\\with/escapes');
    log.addSecret("SECRETKEY1234");
    log.error('failed with pass"phrase\\with/escapes and SECRETKEY1234', { detail: "SECRETKEY1234" });
    expect(lines[0]).not.toContain("SECRETKEY1234");
    expect(lines[0]).not.toContain("phrase");
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({ msg: "failed with [REDACTED] and [REDACTED]", detail: "[REDACTED]" });
    expect(log.redact("x SECRETKEY1234 y")).toBe("x [REDACTED] y");
  });
});

describe(describeError.name, () => {
  it("keeps the name, code, message and request id, and nothing else", () => {
    const error = Object.assign(createSessionError(403, "AccessDeniedException", "denied", "req-1"), {
      credentials: { secretAccessKey: "never" },
    });
    expect(describeError(error)).toEqual({
      error: `RolesAnywhereServiceError (ROLES_ANYWHERE_SERVICE_ERROR): ${error.message}`,
      code: "ROLES_ANYWHERE_SERVICE_ERROR",
      requestId: "req-1",
    });
  });

  it("reads the request id an AWS SDK client's error keeps in $metadata", () => {
    const error = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException", $metadata: { requestId: "req-2" } });
    expect(describeError(error)).toEqual({ error: "ThrottlingException: Rate exceeded", code: undefined, requestId: "req-2" });
  });

  it("describes by the one redaction rule: a token quoted in the message is not", () => {
    const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl";
    expect(describeError(new Error(`echoed ${token}`)).error).toBe("Error: echoed [REDACTED]");
  });
});

describe(toSdkLogger.name, () => {
  const levelsOf = (keep?: readonly ("info" | "warn" | "error")[]) => {
    const lines: string[] = [];
    const log = createJsonLogger({ write: (line) => lines.push(line), now: () => new Date(0), debug: true });
    const sdk = toSdkLogger(log, keep === undefined ? {} : { keep });
    sdk.debug("d");
    sdk.info("i", { n: 1 });
    sdk.warn("w");
    sdk.error("e");
    return lines.map((line) => {
      const { level, msg } = JSON.parse(line) as { level: string; msg: string };
      return `${level}:${msg}`;
    });
  };

  it("keeps the library's levels by default, formatting the arguments on one line", () => {
    expect(levelsOf()).toEqual(["debug:d", "info:i { n: 1 }", "warn:w", "error:e"]);
  });

  it("turns the levels not kept into debug lines", () => {
    expect(levelsOf(["warn"])).toEqual(["debug:d", "debug:i { n: 1 }", "warn:w", "debug:e"]);
    expect(levelsOf([])).toEqual(["debug:d", "debug:i { n: 1 }", "debug:w", "debug:e"]);
  });
});
