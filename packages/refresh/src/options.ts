import { InvalidOptionError } from "@workload-identity/core";
import type { RefreshEvent } from "./events.js";

const MINUTE_MS = 60_000;
/** The longest delay `setTimeout` honours; a longer one fires at once. */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

/**
 * Arms a one-shot timer that calls `callback` after `delayMs` and returns a function that cancels it.
 * The timer must not keep the process alive.
 */
export type SetTimer = (callback: () => void, delayMs: number) => () => void;

/** How failed refreshes are spaced. Delays use exponential backoff with full jitter. */
export interface RetryOptions {
  /**
   * The backoff ceiling of the first failure; it doubles with each consecutive failure.
   * @defaultValue 1000
   */
  baseDelayMs?: number;
  /**
   * The longest wait between two attempts while cached credentials are still valid. Whatever this says, a wait is
   * never longer than half the time left before the mandatory window (inside it: before expiry), so retries keep
   * coming while there is still time to use their answer.
   * @defaultValue 300000 (5 minutes)
   */
  maxDelayMs?: number;
  /**
   * The longest wait between two attempts when there is nothing valid to serve (first call, or expired cache):
   * callers are failing, so recovery must be quick.
   * @defaultValue 15000
   */
  maxDelayWithoutCredentialsMs?: number;
}

/** Options of {@link withRefresh}. */
export interface RefreshOptions {
  /**
   * The advisory window, in milliseconds before expiration: by the time it opens one refresh runs in the background
   * while callers keep the cached credentials (with `jitter`, it started earlier). What lies between it and the
   * mandatory window is the reserve in which a failing refresh is retried before any caller waits: 14 minutes for
   * one-hour credentials, longer than an STS brownout. Defaults by the credentials' lifetime, as AWS SDKs do since 2026.
   * @defaultValue 5 minutes for lifetimes up to 20 minutes, 15 minutes under 90 minutes, 60 minutes otherwise
   */
  refreshBeforeMs?: number;
  /**
   * The mandatory window, in milliseconds before expiration: inside it callers wait for the refresh.
   * @defaultValue 60000
   */
  mustRefreshBeforeMs?: number;
  /**
   * Start the background refresh at a uniformly random point in the last third of the time before the advisory
   * window opens (minutes 30 to 45 of one-hour credentials), so a fleet of pods spreads its refreshes, and even the
   * latest point keeps the whole advisory window in reserve for retries. Without jitter the background refresh starts
   * when the advisory window opens.
   * @defaultValue true
   */
  jitter?: boolean;
  /**
   * How long one refresh may take, in milliseconds, before it is abandoned. Callers waiting for it then get the cached
   * credentials while they are valid, else a `RefreshTimeoutError` (`REFRESH_TIMEOUT`); the failure counts like any
   * other (backoff, `refresh-failed`). Whatever the abandoned call answers later, even credentials, is ignored.
   * Above the sources' own network deadlines, and well under a minute.
   * @defaultValue 30000
   */
  refreshTimeoutMs?: number;
  /** Backoff after a failed refresh. */
  retry?: RetryOptions;
  /**
   * The clock, in milliseconds since the epoch. For tests.
   * @defaultValue Date.now
   */
  now?: () => number;
  /**
   * The random source for jitter, returning [0, 1). For tests.
   * @defaultValue Math.random
   */
  random?: () => number;
  /**
   * Arms the refresh deadline's timer. Pass it with `now` to run on a virtual clock (tests, simulations); vitest's
   * fake timers work with the default.
   * @defaultValue an unref'd `setTimeout`, so a pending deadline never keeps the process alive
   */
  setTimer?: SetTimer;
  /** Receives every state change. Exceptions thrown by it are ignored. */
  onEvent?: (event: RefreshEvent) => void;
}

/** {@link RefreshOptions} with every default applied. */
export interface ResolvedRefreshOptions {
  readonly refreshBeforeMs: number | undefined;
  readonly mustRefreshBeforeMs: number;
  readonly jitter: boolean;
  readonly refreshTimeoutMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxDelayWithoutCredentialsMs: number;
  readonly now: () => number;
  readonly random: () => number;
  readonly setTimer: SetTimer;
  readonly onEvent: ((event: RefreshEvent) => void) | undefined;
}

/** The advisory window AWS SDKs use for credentials of the given lifetime. */
export function defaultRefreshBeforeMs(lifetimeMs: number): number {
  if (lifetimeMs <= 20 * MINUTE_MS) return 5 * MINUTE_MS;
  if (lifetimeMs < 90 * MINUTE_MS) return 15 * MINUTE_MS;
  return 60 * MINUTE_MS;
}

/** The default of {@link RefreshOptions.refreshTimeoutMs}. */
export const DEFAULT_REFRESH_TIMEOUT_MS = 30_000;
/** What a refresh needs beyond its source's network deadline: reading files, a token login, signing. */
const SOURCE_DEADLINE_MARGIN_MS = 5_000;

/**
 * `options` with a refresh deadline above a source's own network deadline: a source given a `timeoutMs` longer than
 * the default refresh deadline would otherwise be cut short by it. A `refreshTimeoutMs` the caller set is kept.
 */
export function refreshOptionsAbove(options: RefreshOptions, sourceTimeoutMs: number | undefined): RefreshOptions {
  if (options.refreshTimeoutMs !== undefined || sourceTimeoutMs === undefined) return options;
  if (sourceTimeoutMs + SOURCE_DEADLINE_MARGIN_MS <= DEFAULT_REFRESH_TIMEOUT_MS) return options;
  return { ...options, refreshTimeoutMs: sourceTimeoutMs + SOURCE_DEADLINE_MARGIN_MS };
}

/**
 * Checks `withRefresh` options without making a cache: for a composer that applies the cache later but must refuse
 * bad options now. Throws a `TypeError` naming the bad option.
 */
export function validateRefreshOptions(options: RefreshOptions | undefined): void {
  resolveRefreshOptions(options);
}

/** Validates options once, synchronously, and applies the defaults. Throws a `TypeError` naming the bad option. */
export function resolveRefreshOptions(options: RefreshOptions = {}): ResolvedRefreshOptions {
  const retry = options.retry ?? {};
  const resolved: ResolvedRefreshOptions = {
    refreshBeforeMs: options.refreshBeforeMs,
    mustRefreshBeforeMs: options.mustRefreshBeforeMs ?? MINUTE_MS,
    jitter: options.jitter ?? true,
    refreshTimeoutMs: options.refreshTimeoutMs ?? DEFAULT_REFRESH_TIMEOUT_MS,
    baseDelayMs: retry.baseDelayMs ?? 1_000,
    maxDelayMs: retry.maxDelayMs ?? 5 * MINUTE_MS,
    maxDelayWithoutCredentialsMs: retry.maxDelayWithoutCredentialsMs ?? 15_000,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    setTimer: options.setTimer ?? unrefTimer,
    onEvent: options.onEvent,
  };
  if (resolved.refreshBeforeMs !== undefined) requireDuration("refreshBeforeMs", resolved.refreshBeforeMs);
  requireDuration("mustRefreshBeforeMs", resolved.mustRefreshBeforeMs);
  const timeout = resolved.refreshTimeoutMs;
  if (typeof timeout !== "number" || !(timeout > 0 && timeout <= MAX_TIMER_DELAY_MS)) {
    throw new InvalidOptionError(
      `refreshTimeoutMs must be a number of milliseconds above 0 and at most ${MAX_TIMER_DELAY_MS}; got ${String(timeout)}.`,
    );
  }
  requireDuration("retry.baseDelayMs", resolved.baseDelayMs);
  requireDuration("retry.maxDelayMs", resolved.maxDelayMs);
  requireDuration("retry.maxDelayWithoutCredentialsMs", resolved.maxDelayWithoutCredentialsMs);
  if (resolved.refreshBeforeMs !== undefined && resolved.refreshBeforeMs < resolved.mustRefreshBeforeMs) {
    throw new InvalidOptionError(
      `refreshBeforeMs (${resolved.refreshBeforeMs}) must be at least mustRefreshBeforeMs (${resolved.mustRefreshBeforeMs}): ` +
        "the advisory window opens before the mandatory one.",
    );
  }
  if (typeof resolved.jitter !== "boolean") throw new InvalidOptionError("jitter must be a boolean.");
  for (const name of ["now", "random", "setTimer", "onEvent"] as const) {
    const value = resolved[name];
    if (value !== undefined && typeof value !== "function") throw new InvalidOptionError(`${name} must be a function.`);
  }
  return resolved;
}

/** Reads the global `setTimeout` at each call, so fake timers installed after `withRefresh` still apply. */
function unrefTimer(callback: () => void, delayMs: number): () => void {
  const timer = setTimeout(callback, delayMs);
  timer.unref?.();
  return () => clearTimeout(timer);
}

function requireDuration(name: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new InvalidOptionError(`${name} must be a finite number of milliseconds, 0 or more; got ${String(value)}.`);
  }
}
