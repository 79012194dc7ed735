// How fromTokenFile fails when STS hangs or misbehaves and when its input is careless: it never waits forever, and
// no token or credential reaches a message, a cause, an event or a log line — checked in every rendering, including
// util.inspect with hidden properties.
import { inspect } from "node:util";
import type { RefreshEvent } from "@workload-identity/refresh";
import { findSecretLeaks, startWebIdentityWorld, type WebIdentityWorld } from "@workload-identity/testing";
import { fromTokenFile } from "@workload-identity/web-identity";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

const ROLE = "arn:aws:iam::111122223333:role/orders-reader";
const noSleep = () => Promise.resolve();

describe(`${fromTokenFile.name} under hostile conditions`, () => {
  let world: WebIdentityWorld;
  let token: string;

  beforeAll(async () => {
    world = await startWebIdentityWorld({ roleArn: ROLE, namespace: "shop", serviceAccount: "orders" });
  });
  afterAll(() => world.close());
  beforeEach(async () => {
    world.sts.clearFaults();
    token = await world.writeToken();
    // The pod's variables (region eu-west-1), and none of the others that would change the provider's choices.
    for (const [name, value] of Object.entries(world.env)) vi.stubEnv(name, value);
    vi.stubEnv("AWS_ROLE_SESSION_NAME", "");
    vi.stubEnv("AWS_DEFAULT_REGION", "");
    vi.stubEnv("AWS_ENDPOINT_URL", "");
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  /** Everything a provider shows the world: its errors, its events and its log lines. */
  function observed() {
    const lines: string[] = [];
    const events: RefreshEvent[] = [];
    const write = (level: string) => (...parts: unknown[]) =>
      lines.push(`${level} ${parts.map((part) => (typeof part === "string" ? part : inspect(part, { depth: null }))).join(" ")}`);
    const logger = { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
    return { lines, events, logger, onEvent: (event: RefreshEvent) => events.push(event) };
  }

  describe("deadlines", () => {
    it("gives up on an STS that accepts the connection and never answers, with STS_TIMEOUT", async () => {
      world.sts.injectFault({ kind: "hang" }, 2);
      const before = world.sts.callCount;
      const provider = fromTokenFile({ sleep: noSleep, stsTimeouts: { timeoutMs: 300 }, stsRetry: { maxAttempts: 2 } });
      const started = performance.now();
      await expect(provider()).rejects.toMatchObject({ code: "STS_TIMEOUT", tryNextLink: false });
      // Two attempts of 300 ms, not forever.
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(world.sts.callCount).toBe(before + 2);
    });

    it("answers a forced refresh with the deadline's error too, while the cached credentials stay valid", async () => {
      const provider = fromTokenFile({ sleep: noSleep, stsTimeouts: { timeoutMs: 300 }, stsRetry: { maxAttempts: 1 } });
      const first = await provider();
      world.sts.injectFault({ kind: "hang" });
      await expect(provider({ forceRefresh: true })).rejects.toMatchObject({ code: "STS_TIMEOUT" });
      await expect(provider()).resolves.toMatchObject({ accessKeyId: first.accessKeyId });
    });
  });

  describe("secrets", () => {
    it("refuses a token pasted into AWS_WEB_IDENTITY_TOKEN_FILE with a trailing newline, without echoing it", async () => {
      vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", `${token}\n`);
      const { lines, events, logger, onEvent } = observed();
      const error = await fromTokenFile({ logger, refresh: { onEvent } })().catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "WEB_IDENTITY_INVALID_CONFIGURATION", message: expect.stringContaining("looks like a token") });
      expect(findSecretLeaks([error, ...events, ...lines], [token, ...token.split(".")])).toEqual([]);
    });

    it("reads a relative path with dots in it as the path it is", async () => {
      const readFile = vi.fn(() => Promise.resolve(token));
      await fromTokenFile({ webIdentityTokenFile: "serviceaccount.token-file.projected", readFile, sleep: noSleep })();
      expect(readFile).toHaveBeenCalledWith("serviceaccount.token-file.projected");
    });

    it("keeps the token out of the error when STS quotes the request back", async () => {
      world.sts.injectFault({ kind: "echo-request" });
      const { lines, events, logger, onEvent } = observed();
      const error = await fromTokenFile({ logger, sleep: noSleep, refresh: { onEvent } })().catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "STS_VALIDATION_ERROR", httpStatusCode: 400 });
      expect((error as Error).message).toContain("Request could not be processed");
      expect(findSecretLeaks([error, ...events, ...lines], [token, ...token.split(".")])).toEqual([]);
    });

    it("keeps the credentials out of the error when STS's 200 answer is cut off (the SDK's parse error keeps the body)", async () => {
      const secretAccessKey = "TRUNCATEDsecretKEY0123456789abcdefghijkl";
      const sessionToken = `IQoJb3JpZ2luX2VjTRUNCATED${"x9Y".repeat(40)}`;
      world.sts.injectFault({ kind: "truncated-success", secretAccessKey, sessionToken });
      const { lines, events, logger, onEvent } = observed();
      const error = await fromTokenFile({ logger, sleep: noSleep, refresh: { onEvent } })().catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "STS_REQUEST_FAILED", httpStatusCode: 200 });
      expect((error as Error).cause).toBeInstanceOf(Error);
      expect(findSecretLeaks([error, ...events, ...lines], [secretAccessKey, sessionToken])).toEqual([]);
    });
  });

  describe("the role ARN from the environment", () => {
    it("is checked like the option, naming the variable, and never sent to STS", async () => {
      vi.stubEnv("AWS_ROLE_ARN", "not-an-arn\nX-Injected: 1");
      const before = world.sts.callCount;
      const error = await fromTokenFile({ sleep: noSleep })().catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "WEB_IDENTITY_INVALID_CONFIGURATION", tryNextLink: false });
      expect((error as Error).message).toMatch(/^AWS_ROLE_ARN "not-an-arn\\nX-Injected: 1" is not an IAM role ARN/);
      expect(world.sts.callCount).toBe(before);
    });
  });
});
