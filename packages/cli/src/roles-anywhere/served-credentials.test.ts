import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { describe, expect, it, vi } from "vitest";
import { createClock, createFakeSource, createSessionError } from "../../test/cli-support.js";
import { createServedCredentials } from "./served-credentials.js";

const HOUR_MS = 3_600_000;

/** A source that hands out whatever the test queued last, as a refreshing provider would. */
function queuedSource() {
  let current: AwsCredentialIdentity | undefined;
  return {
    set(credentials: AwsCredentialIdentity) {
      current = credentials;
    },
    provider: async () => {
      if (current === undefined) throw new Error("nothing queued");
      return current;
    },
  };
}

describe(createServedCredentials.name, () => {
  it("serves the newest set when the source returns a new one under the same AccessKeyId", async () => {
    const clock = createClock();
    const source = queuedSource();
    const served = createServedCredentials({ provider: source.provider, now: clock.now });
    source.set({ accessKeyId: "ASIASAME", secretAccessKey: "secret-1", sessionToken: "token-1", expiration: new Date(clock.now() + 120_000) });
    expect((await served()).credentials.sessionToken).toBe("token-1");
    clock.advance(100_000);
    source.set({ accessKeyId: "ASIASAME", secretAccessKey: "secret-2", sessionToken: "token-2", expiration: new Date(clock.now() + 120_000) });
    const second = await served();
    expect(second.credentials).toMatchObject({ secretAccessKey: "secret-2", sessionToken: "token-2" });
    expect(second.lastUpdated.getTime()).toBe(clock.now());
    // Past the first set's expiration: still the second set, never the first one expired.
    clock.advance(60_000);
    const third = await served();
    expect(third.credentials.expiration.getTime()).toBeGreaterThan(clock.now());
    expect(third.credentials.sessionToken).toBe("token-2");
  });

  it("serves a new expiration for the same key and secret (a session extended in place)", async () => {
    const clock = createClock();
    const source = queuedSource();
    const served = createServedCredentials({ provider: source.provider, now: clock.now });
    const base = { accessKeyId: "ASIASAME", secretAccessKey: "secret", sessionToken: "token" };
    source.set({ ...base, expiration: new Date(clock.now() + HOUR_MS) });
    await served();
    source.set({ ...base, expiration: new Date(clock.now() + 2 * HOUR_MS) });
    expect((await served()).credentials.expiration.getTime()).toBe(clock.now() + 2 * HOUR_MS);
  });

  it("keeps LastUpdated, and tells about new secrets once, while the set does not change", async () => {
    const clock = createClock();
    const source = queuedSource();
    const onNewCredentials = vi.fn();
    const served = createServedCredentials({ provider: source.provider, now: clock.now, onNewCredentials });
    source.set({ accessKeyId: "ASIAONE", secretAccessKey: "secret", sessionToken: "token", expiration: new Date(clock.now() + HOUR_MS) });
    const first = await served();
    clock.advance(60_000);
    // An equal set in a new object (a provider that copies) is the same set.
    source.set({ accessKeyId: "ASIAONE", secretAccessKey: "secret", sessionToken: "token", expiration: new Date(clock.now() - 60_000 + HOUR_MS) });
    expect((await served()).lastUpdated).toEqual(first.lastUpdated);
    expect(onNewCredentials).toHaveBeenCalledTimes(1);
    source.set({ accessKeyId: "ASIAONE", secretAccessKey: "secret-2", sessionToken: "token-2", expiration: new Date(clock.now() + HOUR_MS) });
    await served();
    expect(onNewCredentials).toHaveBeenCalledTimes(2);
  });

  it.each<[string, AwsCredentialIdentity]>([
    ["expired", { accessKeyId: "ASIAONE", secretAccessKey: "secret", expiration: new Date(Date.parse("2029-12-31T23:59:59Z")) }],
    ["without an expiration", { accessKeyId: "ASIAONE", secretAccessKey: "secret" }],
    ["with an empty secret", { accessKeyId: "ASIAONE", secretAccessKey: "", expiration: new Date(Date.parse("2030-01-01T01:00:00Z")) }],
  ])("refuses credentials %s with UNSERVABLE_CREDENTIALS", async (_name, credentials) => {
    const clock = createClock();
    const source = queuedSource();
    const served = createServedCredentials({ provider: source.provider, now: clock.now });
    source.set(credentials);
    await expect(served()).rejects.toMatchObject({ code: "UNSERVABLE_CREDENTIALS" });
  });

  describe("minRemainingMs", () => {
    const MINUTE_MS = 60_000;
    const setup = () => {
      const clock = createClock();
      const fake = createFakeSource(clock, 15 * MINUTE_MS); // the shortest session CreateSession grants
      const served = createServedCredentials({ provider: fake.provider(), now: clock.now, minForcedRefreshIntervalMs: 30_000 });
      return { clock, fake, served };
    };

    it("refreshes first when the set in hand has less left than the route needs", async () => {
      const { clock, fake, served } = setup();
      expect((await served({ minRemainingMs: 11 * MINUTE_MS })).credentials.accessKeyId).toBe("ASIAFAKE00000001");
      clock.advance(5 * MINUTE_MS); // 10 minutes left: before the provider's own refresh point
      expect((await served()).credentials.accessKeyId).toBe("ASIAFAKE00000001");
      const fresh = await served({ minRemainingMs: 11 * MINUTE_MS });
      expect(fresh.credentials.accessKeyId).toBe("ASIAFAKE00000002");
      expect(fresh.credentials.expiration.getTime() - clock.now()).toBe(15 * MINUTE_MS);
      expect(fake.calls).toBe(2);
    });

    it("forces one refresh for concurrent callers", async () => {
      const { clock, fake, served } = setup();
      await served();
      clock.advance(5 * MINUTE_MS);
      const answers = await Promise.all(Array.from({ length: 20 }, () => served({ minRemainingMs: 11 * MINUTE_MS })));
      expect(new Set(answers.map((answer) => answer.credentials.accessKeyId))).toEqual(new Set(["ASIAFAKE00000002"]));
      expect(fake.calls).toBe(2);
    });

    it("resolves the set in hand when the forced refresh fails, and forces no other one within the interval", async () => {
      const { clock, fake, served } = setup();
      await served();
      fake.fail(createSessionError(403, "AccessDeniedException", "denied"));
      clock.advance(5 * MINUTE_MS);
      expect((await served({ minRemainingMs: 11 * MINUTE_MS })).credentials.accessKeyId).toBe("ASIAFAKE00000001");
      const callsAfterForcing = fake.calls;
      clock.advance(29_000);
      for (let i = 0; i < 50; i += 1) await served({ minRemainingMs: 11 * MINUTE_MS });
      expect(fake.calls).toBe(callsAfterForcing);
      fake.fail(undefined);
      clock.advance(1_000);
      expect((await served({ minRemainingMs: 11 * MINUTE_MS })).credentials.accessKeyId).not.toBe("ASIAFAKE00000001");
    });
  });
});
