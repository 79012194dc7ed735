import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { CredentialsProviderError } from "@smithy/property-provider";
import { describe, expect, it, vi } from "vitest";
import { VirtualClock } from "@workload-identity/testing";
import { RefreshTimeoutError } from "./errors.js";
import type { RefreshEvent } from "./events.js";
import { withRefresh } from "./with-refresh.js";

const MINUTE = 60_000;
const T0 = Date.parse("2026-11-23T12:00:00Z");

/** A virtual clock; `advance` fires the timers armed through `setTimer` (the refresh deadline) on the way. */
function clock(start = T0) {
  const virtual = new VirtualClock(start);
  return {
    now: virtual.now,
    setTimer: virtual.setTimer,
    advance: (ms: number) => virtual.advance(ms),
    at: (ms: number) => new Date(virtual.now() + ms),
  };
}

let serial = 0;
function credentials(expiration?: Date): AwsCredentialIdentity {
  serial += 1;
  return {
    accessKeyId: `AKIA${serial}`,
    secretAccessKey: `secret-${serial}`,
    sessionToken: `token-${serial}`,
    ...(expiration === undefined ? {} : { expiration }),
  };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks run. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A source call that never settles, as when STS accepts the connection and never answers. */
const hangs = () => new Promise<AwsCredentialIdentity>(() => undefined);

/** What a promise has come to after pending callbacks ran: its value, `{ rejected }`, or "pending". Never waits. */
async function outcome<T>(promise: Promise<T>): Promise<T | { rejected: unknown } | "pending"> {
  let result: T | { rejected: unknown } | "pending" = "pending";
  promise.then(
    (value) => {
      result = value;
    },
    (error: unknown) => {
      result = { rejected: error };
    },
  );
  await flush();
  return result;
}

describe(withRefresh.name, () => {
  it("is marked memoized, so SDK clients call it at every request instead of caching it again", () => {
    // The SDK wraps any other provider in a memo that keeps credentials until 5 minutes before they expire.
    expect(withRefresh(() => Promise.resolve(credentials()))).toHaveProperty("memoized", true);
  });

  describe("single flight", () => {
    it("makes one source call for 10,000 concurrent first calls and gives all of them its result", async () => {
      const c = clock();
      const pending = deferred<AwsCredentialIdentity>();
      const source = vi.fn(() => pending.promise);
      const provider = withRefresh(source, { now: c.now });

      const calls = Array.from({ length: 10_000 }, () => provider());
      const issued = credentials(c.at(60 * MINUTE));
      pending.resolve(issued);
      const results = await Promise.all(calls);

      expect(source).toHaveBeenCalledTimes(1);
      expect(new Set(results)).toEqual(new Set([issued]));
    });

    it("makes one source call for concurrent callers during a background refresh", async () => {
      const c = clock();
      const first = credentials(c.at(60 * MINUTE));
      const next = deferred<AwsCredentialIdentity>();
      const source = vi.fn().mockResolvedValueOnce(first).mockReturnValueOnce(next.promise);
      const provider = withRefresh(source, { now: c.now, jitter: false });
      await provider();

      c.advance(50 * MINUTE); // inside the 15-minute advisory window of a 60-minute credential
      const during = await Promise.all(Array.from({ length: 1_000 }, () => provider()));
      expect(source).toHaveBeenCalledTimes(2);
      expect(new Set(during)).toEqual(new Set([first]));

      next.resolve(credentials(c.at(60 * MINUTE)));
      await flush();
      expect(source).toHaveBeenCalledTimes(2);
    });

    it("makes one source call for concurrent forced refreshes", async () => {
      const c = clock();
      const source = vi.fn(async () => credentials(c.at(60 * MINUTE)));
      const provider = withRefresh(source, { now: c.now });
      await provider();

      const forced = await Promise.all(Array.from({ length: 100 }, () => provider({ forceRefresh: true })));
      expect(source).toHaveBeenCalledTimes(2);
      expect(new Set(forced).size).toBe(1);
    });
  });

  describe("caching", () => {
    it("serves credentials without expiration from the cache until forceRefresh", async () => {
      const c = clock();
      const source = vi.fn(async () => credentials());
      const provider = withRefresh(source, { now: c.now });

      const first = await provider();
      c.advance(365 * 24 * 60 * MINUTE);
      expect(await provider()).toBe(first);
      expect(source).toHaveBeenCalledTimes(1);

      const forced = await provider({ forceRefresh: true });
      expect(forced).not.toBe(first);
      expect(await provider()).toBe(forced);
      expect(source).toHaveBeenCalledTimes(2);
    });

    it("serves cached credentials before the advisory window without calling the source", async () => {
      const c = clock();
      const source = vi.fn(async () => credentials(c.at(60 * MINUTE)));
      const provider = withRefresh(source, { now: c.now, jitter: false });
      const first = await provider();
      c.advance(44 * MINUTE);
      expect(await provider()).toBe(first);
      expect(source).toHaveBeenCalledTimes(1);
    });

    it("passes the SDK's identity properties without treating them as a forced refresh", async () => {
      const c = clock();
      const source = vi.fn(async () => credentials(c.at(60 * MINUTE)));
      const provider = withRefresh(source, { now: c.now });
      const first = await provider();
      expect(await provider({ callerClientConfig: { region: "eu-west-1" } })).toBe(first);
      expect(source).toHaveBeenCalledTimes(1);
    });
  });

  describe("refresh windows", () => {
    it("refreshes in the background inside the advisory window: the caller does not wait on the source", async () => {
      const c = clock();
      const first = credentials(c.at(60 * MINUTE));
      const never = deferred<AwsCredentialIdentity>();
      const source = vi.fn().mockResolvedValueOnce(first).mockReturnValueOnce(never.promise);
      const provider = withRefresh(source, { now: c.now, jitter: false });
      await provider();

      c.advance(46 * MINUTE);
      // The source never answers; a caller that waited on it would never settle.
      const result = await Promise.race([provider(), flush().then(() => "waited")]);
      expect(result).toBe(first);
      expect(source).toHaveBeenCalledTimes(2);
    });

    it("uses the new credentials once the background refresh completes", async () => {
      const c = clock();
      const source = vi.fn(async () => credentials(c.at(60 * MINUTE)));
      const events: RefreshEvent[] = [];
      const provider = withRefresh(source, { now: c.now, jitter: false, onEvent: (e) => events.push(e) });
      const first = await provider();
      c.advance(46 * MINUTE);
      expect(await provider()).toBe(first);
      await flush();
      const second = await provider();
      expect(second).not.toBe(first);
      expect(events.filter((e) => e.type === "refresh-started").map((e) => e.type === "refresh-started" && e.reason))
        .toEqual(["initial", "advisory"]);
    });

    it("makes callers wait for the refresh inside the mandatory window", async () => {
      const c = clock();
      const first = credentials(c.at(60 * MINUTE));
      const next = deferred<AwsCredentialIdentity>();
      const source = vi.fn().mockResolvedValueOnce(first).mockReturnValueOnce(next.promise);
      const provider = withRefresh(source, { now: c.now, jitter: false });
      await provider();

      c.advance(59.5 * MINUTE);
      const waiting = provider();
      const fresh = credentials(c.at(60 * MINUTE));
      const early = await Promise.race([waiting, flush().then(() => "still waiting")]);
      expect(early).toBe("still waiting");
      next.resolve(fresh);
      expect(await waiting).toBe(fresh);
    });

    it.each([
      [15, 5],
      [20, 5],
      [60, 15],
      [89, 15],
      [90, 60],
      [12 * 60, 60],
    ])("opens the default advisory window of %i-minute credentials %i minutes before expiry", async (life, window) => {
      const c = clock();
      const source = vi.fn(async () => credentials(c.at(life * MINUTE)));
      const provider = withRefresh(source, { now: c.now, jitter: false });
      await provider();

      c.advance((life - window) * MINUTE - 1);
      await provider();
      expect(source).toHaveBeenCalledTimes(1);
      c.advance(1);
      await provider();
      expect(source).toHaveBeenCalledTimes(2);
    });

    it("uses a fixed refreshBeforeMs when given", async () => {
      const c = clock();
      const source = vi.fn(async () => credentials(c.at(60 * MINUTE)));
      const provider = withRefresh(source, { now: c.now, jitter: false, refreshBeforeMs: 2 * MINUTE });
      await provider();
      c.advance(57 * MINUTE);
      await provider();
      expect(source).toHaveBeenCalledTimes(1);
      c.advance(1 * MINUTE);
      await provider();
      expect(source).toHaveBeenCalledTimes(2);
    });

    it("spreads the background refresh point over the last third of the time before the advisory window", async () => {
      const startPoints: number[] = [];
      for (const random of [0, 0.5, 0.99]) {
        const c = clock();
        const source = vi.fn(async () => credentials(c.at(60 * MINUTE)));
        const provider = withRefresh(source, { now: c.now, random: () => random });
        await provider();
        while (source.mock.calls.length === 1) {
          c.advance(10_000);
          await provider();
        }
        startPoints.push(c.now() - T0);
      }
      // 60-minute credentials: the advisory window opens at minute 45, so the point lies between minutes 30 and 45.
      expect(startPoints[0]).toBeGreaterThanOrEqual(30 * MINUTE);
      expect(startPoints[0]).toBeLessThan(30 * MINUTE + 10_000);
      expect(startPoints[1]).toBeGreaterThanOrEqual(37.5 * MINUTE);
      expect(startPoints[1]).toBeLessThan(37.5 * MINUTE + 10_000);
      expect(startPoints[2]).toBeGreaterThan(44.5 * MINUTE);
      expect(startPoints[2]).toBeLessThanOrEqual(45 * MINUTE + 10_000);
    });
  });

  describe("static stability", () => {
    it("keeps serving valid cached credentials when a refresh fails, says so once, and backs off", async () => {
      const c = clock();
      const first = credentials(c.at(60 * MINUTE));
      const failure = new Error("STS is down");
      const source = vi.fn().mockResolvedValueOnce(first).mockRejectedValue(failure);
      const events: RefreshEvent[] = [];
      const provider = withRefresh(source, {
        now: c.now,
        jitter: false,
        random: () => 1,
        onEvent: (e) => events.push(e),
      });
      await provider();

      c.advance(46 * MINUTE);
      for (let i = 0; i < 1_000; i += 1) {
        expect(await provider()).toBe(first);
      }
      expect(source).toHaveBeenCalledTimes(2);
      expect(events.filter((e) => e.type === "stale-credentials-served")).toHaveLength(1);
      const failed = events.find((e) => e.type === "refresh-failed");
      expect(failed).toMatchObject({ error: failure, consecutiveFailures: 1 });

      c.advance(1_000); // the first backoff ceiling is 1 s
      await provider();
      await flush();
      expect(source).toHaveBeenCalledTimes(3);
      c.advance(1_000); // the second one is 2 s
      await provider();
      await flush();
      expect(source).toHaveBeenCalledTimes(3);
      c.advance(1_000);
      await provider();
      await flush();
      expect(source).toHaveBeenCalledTimes(4);
    });

    it("serves valid cached credentials to callers in the mandatory window when the refresh fails", async () => {
      const c = clock();
      const first = credentials(c.at(60 * MINUTE));
      const source = vi.fn().mockResolvedValueOnce(first).mockRejectedValue(new Error("throttled"));
      const provider = withRefresh(source, { now: c.now, jitter: false });
      await provider();
      c.advance(59.5 * MINUTE);
      expect(await provider()).toBe(first);
      expect(await provider()).toBe(first);
      expect(source).toHaveBeenCalledTimes(2);
    });

    it("keeps retrying up to the mandatory window, so a source that recovers late is used before callers wait", async () => {
      const c = clock();
      const first = credentials(c.at(60 * MINUTE));
      // Down from the start of the refresh (minute 45) until 20 s before the mandatory window (minute 59).
      const recoversAt = T0 + 58 * MINUTE + 40_000;
      let next = 0;
      const source = vi.fn(async () => {
        next += 1;
        if (next === 1) return first;
        if (c.now() < recoversAt) throw new Error("STS is down");
        return credentials(c.at(60 * MINUTE));
      });
      const events: RefreshEvent[] = [];
      const provider = withRefresh(source, {
        now: c.now,
        setTimer: c.setTimer,
        jitter: false,
        random: () => 0.999,
        onEvent: (e) => events.push(e),
      });
      await provider();
      c.advance(45 * MINUTE);
      const served = new Set<unknown>();
      while (c.now() < T0 + 59 * MINUTE) {
        const result = await outcome(provider()); // at once (never "pending"), never an error
        expect(result).toMatchObject({ accessKeyId: expect.any(String) });
        served.add(result);
        c.advance(5_000);
      }
      // With waits of up to 5 minutes the attempt after 58:31 would come after expiry.
      expect(served.size).toBe(2);
      expect(await outcome(provider())).not.toBe(first);
      expect(events.filter((e) => e.type === "refreshed")).toHaveLength(2);
      expect(source.mock.calls.length).toBeLessThan(30);
    });

    it("caps the backoff so a failing source is asked at most every few minutes", async () => {
      const c = clock();
      const source = vi.fn().mockResolvedValueOnce(credentials(c.at(12 * 60 * MINUTE))).mockRejectedValue(new Error("down"));
      const provider = withRefresh(source, { now: c.now, jitter: false, random: () => 1 });
      await provider();
      c.advance(11 * 60 * MINUTE); // inside the 60-minute advisory window
      for (let i = 0; i < 50 * 6; i += 1) {
        await provider();
        await flush();
        c.advance(10_000);
      }
      // Delays 1, 2, 4 … 256 s, then 300 s: about 17 calls in those 50 minutes, never one per caller. (Closer to the
      // mandatory window the waits shrink: see "keeps retrying up to the mandatory window".)
      expect(source.mock.calls.length).toBeGreaterThan(10);
      expect(source.mock.calls.length).toBeLessThan(25);
    });

    it("rejects with a typed error carrying the last source error once the cached credentials expired", async () => {
      const c = clock();
      const cause = new Error("STS is down");
      const source = vi.fn().mockResolvedValueOnce(credentials(c.at(60 * MINUTE))).mockRejectedValue(cause);
      const provider = withRefresh(source, { now: c.now, jitter: false });
      await provider();
      c.advance(61 * MINUTE);
      await expect(provider()).rejects.toMatchObject({
        name: "CredentialsExpiredError",
        code: "CREDENTIALS_EXPIRED",
        tryNextLink: false,
        cause,
      });
      await expect(provider()).rejects.toBeInstanceOf(CredentialsProviderError);
    });
  });

  describe("first call", () => {
    it("rejects every waiting caller with the source's error, and tries again a few seconds later", async () => {
      const c = clock();
      const blip = new Error("STS blip");
      const source = vi.fn().mockRejectedValueOnce(blip).mockResolvedValue(credentials(c.at(60 * MINUTE)));
      const provider = withRefresh(source, { now: c.now });

      const results = await Promise.allSettled(Array.from({ length: 50 }, () => provider()));
      expect(results.every((r) => r.status === "rejected" && r.reason === blip)).toBe(true);
      expect(source).toHaveBeenCalledTimes(1);

      c.advance(3_000);
      await expect(provider()).resolves.toMatchObject({ accessKeyId: expect.any(String) });
      expect(source).toHaveBeenCalledTimes(2);
    });

    it("does not call a failing source again for callers inside the backoff", async () => {
      const c = clock();
      const source = vi.fn().mockRejectedValue(new Error("down"));
      const provider = withRefresh(source, { now: c.now, random: () => 1 });
      for (let i = 0; i < 1_000; i += 1) await provider().catch(() => undefined);
      expect(source).toHaveBeenCalledTimes(1);
    });

    it("keeps the source error's tryNextLink so SDK chains move on", async () => {
      const source = vi.fn().mockRejectedValue(new CredentialsProviderError("not configured", { tryNextLink: true }));
      await expect(withRefresh(source)()).rejects.toMatchObject({ tryNextLink: true });
    });
  });

  describe("deadline", () => {
    it("gives callers in the mandatory window the cached credentials once the refresh outlives refreshTimeoutMs", async () => {
      const c = clock();
      const first = credentials(c.at(60 * MINUTE));
      const source = vi.fn().mockResolvedValueOnce(first).mockImplementation(hangs);
      const events: RefreshEvent[] = [];
      const provider = withRefresh(source, {
        now: c.now,
        setTimer: c.setTimer,
        jitter: false,
        onEvent: (e) => events.push(e),
      });
      await provider();
      c.advance(59 * MINUTE + 10_000); // the deadline falls 20 s before expiry

      const waiting = Promise.all([provider(), provider()]);
      c.advance(29_999);
      expect(await outcome(waiting)).toBe("pending");
      c.advance(1);
      expect(await outcome(waiting)).toEqual([first, first]);
      expect(source).toHaveBeenCalledTimes(2);
      expect(events).toContainEqual(
        expect.objectContaining({
          type: "refresh-failed",
          reason: "mandatory",
          consecutiveFailures: 1,
          error: expect.objectContaining({ code: "REFRESH_TIMEOUT" }),
        }),
      );
    });

    it("rejects with REFRESH_TIMEOUT after expiry when the source never answers", async () => {
      const c = clock();
      const source = vi.fn().mockResolvedValueOnce(credentials(c.at(60 * MINUTE))).mockImplementation(hangs);
      const provider = withRefresh(source, { now: c.now, setTimer: c.setTimer, jitter: false });
      await provider();
      c.advance(61 * MINUTE);

      const waiting = provider();
      c.advance(30_000);
      const result = await outcome(waiting);
      expect(result).toMatchObject({
        rejected: { name: "RefreshTimeoutError", code: "REFRESH_TIMEOUT", tryNextLink: false, timeoutMs: 30_000 },
      });
      const { rejected } = result as { rejected: unknown };
      expect(rejected).toBeInstanceOf(RefreshTimeoutError);
      expect(rejected).toBeInstanceOf(CredentialsProviderError);
      expect(String(rejected)).toMatch(/refreshTimeoutMs \(30000 ms\).*Check that the source reaches its endpoint/);
      // Callers inside the backoff get the same typed error at once.
      await expect(provider()).rejects.toMatchObject({ code: "REFRESH_TIMEOUT" });
    });

    it("rejects a forced refresh with REFRESH_TIMEOUT when the source never answers", async () => {
      const c = clock();
      const source = vi.fn().mockResolvedValueOnce(credentials(c.at(60 * MINUTE))).mockImplementation(hangs);
      const provider = withRefresh(source, { now: c.now, setTimer: c.setTimer });
      const first = await provider();

      const forced = provider({ forceRefresh: true });
      c.advance(30_000);
      expect(await outcome(forced)).toMatchObject({ rejected: { code: "REFRESH_TIMEOUT" } });
      expect(await provider()).toBe(first); // the cache is untouched
    });

    it("rejects first callers with REFRESH_TIMEOUT when the source never answers", async () => {
      const c = clock();
      const provider = withRefresh(vi.fn(hangs), { now: c.now, setTimer: c.setTimer, refreshTimeoutMs: 5_000 });
      const first = Promise.allSettled([provider(), provider()]);
      c.advance(4_999);
      expect(await outcome(first)).toBe("pending");
      c.advance(1);
      expect(await outcome(first)).toMatchObject([
        { status: "rejected", reason: { code: "REFRESH_TIMEOUT", timeoutMs: 5_000 } },
        { status: "rejected", reason: { code: "REFRESH_TIMEOUT" } },
      ]);
    });

    it("counts a timeout as a failure: refresh-failed, consecutiveFailures and the backoff", async () => {
      const c = clock();
      const first = credentials(c.at(60 * MINUTE));
      const source = vi.fn().mockResolvedValueOnce(first).mockImplementation(hangs);
      const events: RefreshEvent[] = [];
      const provider = withRefresh(source, {
        now: c.now,
        setTimer: c.setTimer,
        jitter: false,
        random: () => 1,
        onEvent: (e) => events.push(e),
      });
      await provider();
      c.advance(46 * MINUTE);
      expect(await outcome(provider())).toBe(first); // background refresh: nobody waits on the stuck call
      c.advance(30_000);
      await flush();
      const failures = () => events.filter((e) => e.type === "refresh-failed");
      expect(failures()).toMatchObject([{ consecutiveFailures: 1, nextAttemptAt: c.at(1_000) }]);

      c.advance(999);
      expect(await outcome(provider())).toBe(first);
      expect(source).toHaveBeenCalledTimes(2); // inside the backoff
      c.advance(1);
      expect(await outcome(provider())).toBe(first);
      expect(source).toHaveBeenCalledTimes(3);
      c.advance(30_000);
      await flush();
      expect(failures()).toMatchObject([{ consecutiveFailures: 1 }, { consecutiveFailures: 2, nextAttemptAt: c.at(2_000) }]);
    });

    it("ignores the late answer of an abandoned refresh, credentials or error", async () => {
      const c = clock();
      const first = credentials(c.at(60 * MINUTE));
      const late = deferred<AwsCredentialIdentity>();
      const lateFailure = deferred<AwsCredentialIdentity>();
      const newer = credentials(c.at(60 * MINUTE));
      const source = vi
        .fn()
        .mockResolvedValueOnce(first)
        .mockReturnValueOnce(late.promise)
        .mockReturnValueOnce(lateFailure.promise)
        .mockResolvedValueOnce(newer);
      const events: RefreshEvent[] = [];
      const provider = withRefresh(source, {
        now: c.now,
        setTimer: c.setTimer,
        jitter: false,
        random: () => 1,
        onEvent: (e) => events.push(e),
      });
      await provider();
      c.advance(46 * MINUTE);
      await provider(); // starts the refresh that will be abandoned
      c.advance(30_000);
      late.resolve(credentials(c.at(60 * MINUTE)));
      await flush();
      expect(await provider()).toBe(first); // the late credentials were not cached

      c.advance(1_000);
      await provider(); // the second attempt, abandoned as well
      c.advance(30_000);
      lateFailure.reject(new Error("late failure"));
      await flush();
      expect(events.filter((e) => e.type === "refresh-failed")).toHaveLength(2); // no third failure

      c.advance(2_000);
      await provider();
      await flush();
      expect(await provider()).toBe(newer);
      expect(events.filter((e) => e.type === "refreshed")).toHaveLength(2); // initial and newer, never the late one
    });

    it("does not stay stuck on an attempt whose injected timer fired at once", async () => {
      const c = clock();
      const source = vi.fn(hangs);
      const immediate = (callback: () => void) => {
        callback();
        return () => undefined;
      };
      const provider = withRefresh(source, { now: c.now, setTimer: immediate, random: () => 0 });
      await expect(provider()).rejects.toMatchObject({ code: "REFRESH_TIMEOUT" });
      await expect(provider()).rejects.toMatchObject({ code: "REFRESH_TIMEOUT" });
      expect(source).toHaveBeenCalledTimes(2); // a new attempt, not the ended one joined
    });

    it("arms the deadline with an unref'd timer by default", async () => {
      const armed: { timer: NodeJS.Timeout; delay: number | undefined }[] = [];
      const realSetTimeout = globalThis.setTimeout;
      const spy = vi.spyOn(globalThis, "setTimeout").mockImplementation(((
        handler: () => void,
        delay?: number,
      ) => {
        const timer = realSetTimeout(handler, delay);
        armed.push({ timer, delay });
        return timer;
      }) as typeof setTimeout);
      try {
        void withRefresh(hangs, { refreshTimeoutMs: 20_000 })();
      } finally {
        spy.mockRestore();
      }
      const deadline = armed.find((a) => a.delay === 20_000);
      expect(deadline).toBeDefined();
      expect(deadline?.timer.hasRef()).toBe(false);
      for (const { timer } of armed) clearTimeout(timer);
    });

    it("fires under vitest's fake timers with the default clock and timer", async () => {
      vi.useFakeTimers({ now: T0 });
      try {
        const provider = withRefresh(vi.fn(hangs));
        let result: unknown = "pending";
        provider().catch((error: unknown) => {
          result = error;
        });
        await vi.advanceTimersByTimeAsync(29_999);
        expect(result).toBe("pending");
        await vi.advanceTimersByTimeAsync(1);
        expect(result).toMatchObject({ code: "REFRESH_TIMEOUT" });
      } finally {
        vi.useRealTimers();
      }
    });
  });

  describe("bad credentials from the source", () => {
    it("rejects credentials that are already expired with a typed error", async () => {
      const c = clock();
      const source = vi.fn(async () => credentials(c.at(-1)));
      await expect(withRefresh(source, { now: c.now })()).rejects.toMatchObject({
        code: "SOURCE_RETURNED_EXPIRED_CREDENTIALS",
        tryNextLink: false,
      });
    });

    it("rejects a result without keys with a typed error", async () => {
      const source = vi.fn(async () => ({ accessKeyId: "", secretAccessKey: "x" }));
      await expect(withRefresh(source)()).rejects.toMatchObject({ code: "SOURCE_RETURNED_INVALID_CREDENTIALS" });
    });

    const planted = { accessKeyId: "AKIDPLANTED01", secretAccessKey: "planted-secret-3c7e", sessionToken: "planted-token-8a1f" };
    it.each([
      ["a whitespace-only accessKeyId", { ...planted, accessKeyId: " \t " }],
      ["a whitespace-only secretAccessKey", { ...planted, secretAccessKey: "\n  " }],
      ["a numeric sessionToken", { ...planted, sessionToken: 1234567 }],
      ["an empty sessionToken", { ...planted, sessionToken: "" }],
      ["a whitespace-only sessionToken", { ...planted, sessionToken: "   " }],
      ["a null sessionToken", { ...planted, sessionToken: null }],
    ])("refuses %s, without putting any value in the error", async (_name, junk) => {
      const source = vi.fn(async () => junk as unknown as AwsCredentialIdentity);
      const error: unknown = await withRefresh(source)().then(
        () => "served",
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: "SOURCE_RETURNED_INVALID_CREDENTIALS", tryNextLink: false });
      for (const value of [...Object.values(planted), "1234567"]) {
        expect(String(error)).not.toContain(value);
        expect(JSON.stringify(error)).not.toContain(value);
      }
    });

    it("accepts credentials without a sessionToken", async () => {
      const { sessionToken: _, ...longTerm } = planted;
      await expect(withRefresh(async () => longTerm)()).resolves.toBe(longTerm);
    });

    it("keeps serving the valid cached credentials when a refresh returns junk", async () => {
      const c = clock();
      const first = credentials(c.at(60 * MINUTE));
      const source = vi.fn().mockResolvedValueOnce(first).mockResolvedValue({ ...planted, secretAccessKey: " " });
      const events: RefreshEvent[] = [];
      const provider = withRefresh(source, { now: c.now, jitter: false, onEvent: (e) => events.push(e) });
      await provider();
      c.advance(46 * MINUTE);
      expect(await provider()).toBe(first);
      await flush();
      expect(await provider()).toBe(first);
      expect(events).toContainEqual(
        expect.objectContaining({
          type: "refresh-failed",
          error: expect.objectContaining({ code: "SOURCE_RETURNED_INVALID_CREDENTIALS" }),
        }),
      );
    });

    it("serves credentials that expire inside the mandatory window with a warning, without a refresh loop", async () => {
      const c = clock();
      const source = vi.fn(async () => credentials(c.at(30_000)));
      const events: RefreshEvent[] = [];
      const provider = withRefresh(source, { now: c.now, onEvent: (e) => events.push(e) });

      await Promise.all(Array.from({ length: 100 }, () => provider()));
      for (let i = 0; i < 100; i += 1) await provider();
      expect(source).toHaveBeenCalledTimes(1);
      expect(events).toContainEqual(expect.objectContaining({ type: "short-lived-credentials", remainingMs: 30_000 }));
    });
  });

  describe("isolation", () => {
    it("keeps no state between two instances", async () => {
      const a = vi.fn(async () => credentials());
      const b = vi.fn(async () => credentials());
      const providerA = withRefresh(a);
      const providerB = withRefresh(b);
      const fromA = await providerA();
      const fromB = await providerB();
      expect(fromA).not.toBe(fromB);
      expect(a).toHaveBeenCalledTimes(1);
      expect(b).toHaveBeenCalledTimes(1);
    });

    it("arms no timer that keeps the process alive", async () => {
      const armed: NodeJS.Timeout[] = [];
      const realSetTimeout = globalThis.setTimeout;
      const spy = vi.spyOn(globalThis, "setTimeout").mockImplementation(((...args: Parameters<typeof setTimeout>) => {
        const timer = realSetTimeout(...args);
        armed.push(timer);
        return timer;
      }) as typeof setTimeout);
      try {
        const provider = withRefresh(async () => credentials(new Date(Date.now() + 60 * MINUTE)));
        await provider();
        await provider();
        await provider({ forceRefresh: true });
        await provider();
      } finally {
        spy.mockRestore();
      }
      expect(armed.length).toBeGreaterThan(0);
      expect(armed.every((timer) => !timer.hasRef())).toBe(true);
      for (const timer of armed) clearTimeout(timer);
    });

    it("notices the passing of real time on the hot path (fake timers, default clock)", async () => {
      vi.useFakeTimers({ now: T0 });
      try {
        const source = vi.fn(async () => credentials(new Date(Date.now() + 60 * MINUTE)));
        const provider = withRefresh(source, { jitter: false });
        const first = await provider();
        expect(await provider()).toBe(first);
        vi.advanceTimersByTime(46 * MINUTE);
        expect(await provider()).toBe(first); // served at once, refresh started in the background
        expect(source).toHaveBeenCalledTimes(2);
        await vi.advanceTimersByTimeAsync(0);
        expect(await provider()).not.toBe(first);
      } finally {
        vi.useRealTimers();
      }
    });

    it("survives an onEvent observer that throws", async () => {
      const provider = withRefresh(async () => credentials(), {
        onEvent: () => {
          throw new Error("observer bug");
        },
      });
      await expect(provider()).resolves.toMatchObject({ accessKeyId: expect.any(String) });
    });
  });

  describe("events", () => {
    it("reports forced refreshes and new expirations", async () => {
      const c = clock();
      const expiration = c.at(60 * MINUTE);
      const events: RefreshEvent[] = [];
      const provider = withRefresh(async () => credentials(expiration), { now: c.now, onEvent: (e) => events.push(e) });
      await provider({ forceRefresh: true });
      expect(events.map((e) => e.type)).toEqual(["forced-refresh", "refresh-started", "refreshed"]);
      expect(events[2]).toMatchObject({ type: "refreshed", reason: "forced", expiration });
    });
  });

  describe("options", () => {
    it.each([
      [{ refreshBeforeMs: -1 }, /refreshBeforeMs/],
      [{ mustRefreshBeforeMs: Number.NaN }, /mustRefreshBeforeMs/],
      [{ refreshBeforeMs: 1_000, mustRefreshBeforeMs: 2_000 }, /at least mustRefreshBeforeMs/],
      [{ retry: { maxDelayMs: Number.POSITIVE_INFINITY } }, /retry.maxDelayMs/],
      [{ refreshTimeoutMs: 0 }, /refreshTimeoutMs/],
      [{ refreshTimeoutMs: Number.POSITIVE_INFINITY }, /refreshTimeoutMs/],
      [{ refreshTimeoutMs: 2 ** 31 }, /refreshTimeoutMs/],
      [{ refreshTimeoutMs: "30000" as unknown as number }, /refreshTimeoutMs/],
      [{ setTimer: 5 as unknown as () => () => void }, /setTimer/],
    ])("throws a TypeError naming the bad option %o", (options, message) => {
      expect(() => withRefresh(async () => credentials(), options)).toThrow(message);
      expect(() => withRefresh(async () => credentials(), options)).toThrow(TypeError);
    });

    it("throws a TypeError when the source is not a function", () => {
      expect(() => withRefresh(undefined as never)).toThrow(TypeError);
    });
  });
});
