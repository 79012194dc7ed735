import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { isolateEnvironment } from "@workload-identity/testing/vitest";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type PodIdentityAgent, type SignedCallRecorder, startPodIdentityAgent, startSignedCallRecorder } from "../test/servers.js";
import { fromEnvironmentAware } from "./from-environment-aware.js";
import { clearSharedCredentialCache, MAX_SHARED_CONFIGURATIONS } from "./shared-cache.js";

let dir: string;
let recorder: SignedCallRecorder;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "credentials-test-"));
  recorder = await startSignedCallRecorder();
});
afterAll(async () => {
  await recorder.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  clearSharedCredentialCache();
  isolateEnvironment(dir);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

const sts = (credentials: ReturnType<typeof fromEnvironmentAware>) =>
  new STSClient({ region: "us-east-1", endpoint: recorder.endpoint, credentials });

describe(fromEnvironmentAware.name, () => {
  describe("SDK chain fallback", () => {
    it("signs with static keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY", async () => {
      vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIASTATICFALLBACK01");
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", "static-secret");
      const identity = await sts(fromEnvironmentAware()).send(new GetCallerIdentityCommand({}));
      expect(identity.Account).toBe("111122223333");
      expect(recorder.accessKeyIds.at(-1)).toBe("AKIASTATICFALLBACK01");
    });

    it("fails with SDK_CHAIN_NO_CREDENTIALS (tryNextLink) when the chain finds nothing", async () => {
      await expect(fromEnvironmentAware()()).rejects.toMatchObject({ code: "SDK_CHAIN_NO_CREDENTIALS", tryNextLink: true });
    });

    it("with fallback: false, refuses static keys with NO_CREDENTIAL_SOURCE", async () => {
      vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIASTATICFALLBACK01");
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", "static-secret");
      await expect(fromEnvironmentAware({ fallback: false })()).rejects.toMatchObject({
        code: "NO_CREDENTIAL_SOURCE",
        tryNextLink: true,
      });
    });

    it("re-runs the SDK chain at each of our refreshes (its own memo is not stacked under ours)", async () => {
      vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAFIRST00000000001");
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", "static-secret");
      const provider = fromEnvironmentAware();
      expect((await provider()).accessKeyId).toBe("AKIAFIRST00000000001");
      vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIASECOND0000000002");
      expect((await provider()).accessKeyId).toBe("AKIAFIRST00000000001"); // our cache: static keys never expire
      expect((await provider({ forceRefresh: true } as never)).accessKeyId).toBe("AKIASECOND0000000002");
    });

    it("gets fresh credentials from the chain when our cache refreshes expiring ones early", async () => {
      const start = Date.now();
      let now = start;
      vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIAFIRST00000000001");
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", "static-secret");
      vi.stubEnv("AWS_CREDENTIAL_EXPIRATION", new Date(start + 30 * 60_000).toISOString());
      const provider = fromEnvironmentAware({ refresh: { now: () => now, jitter: false } });
      expect((await provider()).accessKeyId).toBe("AKIAFIRST00000000001");

      // 30 s before expiry on our clock; the SDK's memo, on the real clock, would still call them fresh.
      now = start + 29.5 * 60_000;
      vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIASECOND0000000002");
      vi.stubEnv("AWS_CREDENTIAL_EXPIRATION", new Date(start + 120 * 60_000).toISOString());
      expect((await provider()).accessKeyId).toBe("AKIASECOND0000000002");
    });
  });

  describe("half configurations", () => {
    it("rejects every call with an error naming the missing variable, even with static keys set", async () => {
      vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", join(dir, "token"));
      vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIASTATICFALLBACK01");
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", "static-secret");
      const provider = fromEnvironmentAware();
      for (let i = 0; i < 2; i += 1) {
        await expect(provider()).rejects.toMatchObject({
          code: "HALF_CONFIGURED_WEB_IDENTITY",
          tryNextLink: false,
          message: expect.stringContaining("AWS_ROLE_ARN"),
        });
      }
    });

    it("fails an explicit webIdentity option that lacks the token file or role without letting a chain move on", async () => {
      const error = await fromEnvironmentAware({ webIdentity: {} })().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "HALF_CONFIGURED_WEB_IDENTITY", tryNextLink: false });
      expect(String(error)).toContain("AWS_WEB_IDENTITY_TOKEN_FILE");
      expect(String(error)).toContain("AWS_ROLE_ARN");
    });

    it("logs the half configuration once, as an error, however many clients", () => {
      vi.stubEnv("AWS_ROLES_ANYWHERE_CERTIFICATE", "/c.pem");
      const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
      for (let i = 0; i < 3; i += 1) fromEnvironmentAware({ logger });
      expect(logger.error).toHaveBeenCalledTimes(1);
      expect(logger.info).not.toHaveBeenCalled();
      expect(String(logger.error.mock.calls[0]?.[0])).toContain("AWS_ROLES_ANYWHERE_ROLE_ARN");
    });
  });

  describe("EKS Pod Identity", () => {
    let agent: PodIdentityAgent;
    let tokenFile: string;
    beforeEach(async () => {
      agent = await startPodIdentityAgent();
      tokenFile = join(dir, "eks-pod-identity-token");
      await writeFile(tokenFile, "pod-identity-token-v1");
      vi.stubEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.uri);
      vi.stubEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokenFile);
    });
    afterEach(() => agent.close());

    it("gets credentials from the agent, sending the token file as Authorization", async () => {
      await sts(fromEnvironmentAware()).send(new GetCallerIdentityCommand({}));
      expect(agent.authorizations).toEqual(["pod-identity-token-v1"]);
      expect(recorder.accessKeyIds.at(-1)).toBe(agent.issued[0]?.accessKeyId);
    });

    it("re-reads the token file at each refresh", async () => {
      const provider = fromEnvironmentAware();
      await provider();
      await writeFile(tokenFile, "pod-identity-token-v2");
      await provider({ forceRefresh: true } as never);
      expect(agent.authorizations).toEqual(["pod-identity-token-v1", "pod-identity-token-v2"]);
    });

    it("reports the agent's failure as it is, not as a container-metadata error", async () => {
      agent.fail(403, { Code: "AccessDeniedException", Message: "no pod identity association for this service account" });
      const error = await fromEnvironmentAware({ podIdentity: { maxRetries: 0 } })().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: "POD_IDENTITY_FAILED", tryNextLink: false });
      expect((error as Error).message).toContain("AccessDeniedException");
      expect((error as Error).message).toContain(agent.uri);
      expect((error as Error).message).not.toMatch(/metadata service|ECS/i);
      expect(agent.authorizations).toHaveLength(1);
    });

    it("uses the Pod Identity URI even when an ECS relative URI is also set", async () => {
      vi.stubEnv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/ecs-task");
      await fromEnvironmentAware()();
      expect(agent.authorizations).toEqual(["pod-identity-token-v1"]);
    });

    it("reports an unreadable token file as a Pod Identity failure", async () => {
      vi.stubEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", join(dir, "missing-token"));
      await expect(fromEnvironmentAware({ podIdentity: { maxRetries: 0 } })()).rejects.toMatchObject({
        code: "POD_IDENTITY_FAILED",
        tryNextLink: false,
      });
      expect(agent.authorizations).toHaveLength(0);
    });
  });

  describe("one cache per process and configuration", () => {
    it("ten SDK clients make one source call per refresh", async () => {
      const agent = await startPodIdentityAgent();
      try {
        const tokenFile = join(dir, "shared-token");
        await writeFile(tokenFile, "shared-token");
        vi.stubEnv("AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.uri);
        vi.stubEnv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", tokenFile);
        const clients = Array.from({ length: 10 }, () => sts(fromEnvironmentAware()));
        await Promise.all(clients.map((client) => client.send(new GetCallerIdentityCommand({}))));
        await Promise.all(clients.map((client) => client.send(new GetCallerIdentityCommand({}))));
        expect(agent.issued).toHaveLength(1);
        expect(new Set(recorder.accessKeyIds.slice(-20))).toEqual(new Set([agent.issued[0]?.accessKeyId]));

        // A different configuration (here: other options) gets its own cache.
        await fromEnvironmentAware({ podIdentity: { timeoutMs: 2000 } })();
        expect(agent.issued).toHaveLength(2);
      } finally {
        await agent.close();
      }
    });

    it("shares the cache through globalThis, so a second copy of the module (ESM + CJS) uses the same one", async () => {
      vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIASHARED0000000001");
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", "static-secret");
      const first = fromEnvironmentAware();
      vi.resetModules();
      const copy = (await import("./from-environment-aware.js?copy" as string)) as typeof import("./from-environment-aware.js");
      expect(copy.fromEnvironmentAware).not.toBe(fromEnvironmentAware);
      expect(copy.fromEnvironmentAware()).toBe(first);
    });

    it("remembers a bounded number of configurations, the least recently used forgotten first", async () => {
      vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIASHARED0000000001");
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", "static-secret");
      const inlineLogger = () => ({ debug: () => {}, info: () => {}, warn: () => {}, error: () => {} });
      const kept = fromEnvironmentAware();
      const oldest = inlineLogger();
      const forgotten = fromEnvironmentAware({ logger: oldest });
      for (let i = 0; i < MAX_SHARED_CONFIGURATIONS - 1; i += 1) {
        fromEnvironmentAware({ logger: inlineLogger() }); // a new configuration each time
        expect(fromEnvironmentAware()).toBe(kept); // used again, so never the least recent
      }
      expect(fromEnvironmentAware({ logger: oldest })).not.toBe(forgotten);
      await expect(forgotten()).resolves.toMatchObject({ accessKeyId: "AKIASHARED0000000001" });
    });

    it("logs the choice once per configuration, however many clients", () => {
      vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIASHARED0000000001");
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", "static-secret");
      const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
      for (let i = 0; i < 5; i += 1) fromEnvironmentAware({ logger });
      expect(logger.info).toHaveBeenCalledTimes(1);
      expect(String(logger.info.mock.calls[0]?.[0])).toContain("sdk-chain");
    });
  });

  describe("options", () => {
    it("throws a TypeError for webIdentity and rolesAnywhere together", () => {
      expect(() => fromEnvironmentAware({ webIdentity: {}, rolesAnywhere: {} as never })).toThrow(TypeError);
    });
    it("throws a TypeError naming a bad refresh option at once", () => {
      expect(() => fromEnvironmentAware({ refresh: { mustRefreshBeforeMs: -1 } })).toThrow(/mustRefreshBeforeMs/);
    });
    it("throws a TypeError for a logger without the SDK's Logger methods", () => {
      expect(() => fromEnvironmentAware({ logger: { info: () => undefined } as never })).toThrow(/logger\.debug/);
    });
  });
});
