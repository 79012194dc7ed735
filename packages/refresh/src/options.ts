import type { RefreshEvent } from "./events.js";

const MINUTE_MS = 60_000;

/** How failed refreshes are spaced. Delays use exponential backoff with full jitter. */
export interface RetryOptions {
  /**
   * The backoff ceiling of the first failure; it doubles with each consecutive failure.
   * @defaultValue 1000
   */
  baseDelayMs?: number;
  /**
   * The longest wait between two attempts while cached credentials are still valid.
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
   * The advisory window, in milliseconds before expiration: from then on one refresh runs in the background while
   * callers keep the cached credentials. Defaults by the credentials' lifetime, as AWS SDKs do since 2026.
   * @defaultValue 5 minutes for lifetimes up to 20 minutes, 15 minutes under 90 minutes, 60 minutes otherwise
   */
  refreshBeforeMs?: number;
  /**
   * The mandatory window, in milliseconds before expiration: inside it callers wait for the refresh.
   * @defaultValue 60000
   */
  mustRefreshBeforeMs?: number;
  /**
   * Spread the background refresh point uniformly across the advisory window, so a fleet of pods does not refresh
   * at the same instant.
   * @defaultValue true
   */
  jitter?: boolean;
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
  /** Receives every state change. Exceptions thrown by it are ignored. */
  onEvent?: (event: RefreshEvent) => void;
}

/** {@link RefreshOptions} with every default applied. */
export interface ResolvedRefreshOptions {
  readonly refreshBeforeMs: number | undefined;
  readonly mustRefreshBeforeMs: number;
  readonly jitter: boolean;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxDelayWithoutCredentialsMs: number;
  readonly now: () => number;
  readonly random: () => number;
  readonly onEvent: ((event: RefreshEvent) => void) | undefined;
}

/** The advisory window AWS SDKs use for credentials of the given lifetime. */
export function defaultRefreshBeforeMs(lifetimeMs: number): number {
  if (lifetimeMs <= 20 * MINUTE_MS) return 5 * MINUTE_MS;
  if (lifetimeMs < 90 * MINUTE_MS) return 15 * MINUTE_MS;
  return 60 * MINUTE_MS;
}

/** Validates options once, synchronously, and applies the defaults. Throws a `TypeError` naming the bad option. */
export function resolveRefreshOptions(options: RefreshOptions = {}): ResolvedRefreshOptions {
  const retry = options.retry ?? {};
  const resolved: ResolvedRefreshOptions = {
    refreshBeforeMs: options.refreshBeforeMs,
    mustRefreshBeforeMs: options.mustRefreshBeforeMs ?? MINUTE_MS,
    jitter: options.jitter ?? true,
    baseDelayMs: retry.baseDelayMs ?? 1_000,
    maxDelayMs: retry.maxDelayMs ?? 5 * MINUTE_MS,
    maxDelayWithoutCredentialsMs: retry.maxDelayWithoutCredentialsMs ?? 15_000,
    now: options.now ?? Date.now,
    random: options.random ?? Math.random,
    onEvent: options.onEvent,
  };
  if (resolved.refreshBeforeMs !== undefined) requireDuration("refreshBeforeMs", resolved.refreshBeforeMs);
  requireDuration("mustRefreshBeforeMs", resolved.mustRefreshBeforeMs);
  requireDuration("retry.baseDelayMs", resolved.baseDelayMs);
  requireDuration("retry.maxDelayMs", resolved.maxDelayMs);
  requireDuration("retry.maxDelayWithoutCredentialsMs", resolved.maxDelayWithoutCredentialsMs);
  if (resolved.refreshBeforeMs !== undefined && resolved.refreshBeforeMs < resolved.mustRefreshBeforeMs) {
    throw new TypeError(
      `refreshBeforeMs (${resolved.refreshBeforeMs}) must be at least mustRefreshBeforeMs (${resolved.mustRefreshBeforeMs}): ` +
        "the advisory window opens before the mandatory one.",
    );
  }
  if (typeof resolved.jitter !== "boolean") throw new TypeError("jitter must be a boolean.");
  for (const name of ["now", "random", "onEvent"] as const) {
    const value = resolved[name];
    if (value !== undefined && typeof value !== "function") throw new TypeError(`${name} must be a function.`);
  }
  return resolved;
}

function requireDuration(name: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${name} must be a finite number of milliseconds, 0 or more; got ${String(value)}.`);
  }
}
