/** Spacing of receive attempts after failures: exponential backoff with full jitter. */
export interface BackoffOptions {
  /**
   * The ceiling of the first wait; it doubles with each consecutive failure.
   * @defaultValue 500
   */
  baseDelayMs?: number;
  /**
   * The largest ceiling.
   * @defaultValue 30000
   */
  maxDelayMs?: number;
  /**
   * Random source returning [0, 1). For tests.
   * @defaultValue Math.random
   */
  random?: () => number;
}

/**
 * The wait before the next attempt after `consecutiveFailures` failures in a row: a uniformly random time between 0
 * and `min(maxDelayMs, baseDelayMs * 2^(n-1))`, so pods that lost the queue together do not come back together.
 */
export function backoffDelayMs(consecutiveFailures: number, options: BackoffOptions = {}): number {
  if (consecutiveFailures <= 0) return 0;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const ceiling = Math.min(max, base * 2 ** Math.min(consecutiveFailures - 1, 30));
  return Math.floor((options.random ?? Math.random)() * ceiling);
}

/**
 * How long a failed message stays hidden before it is redelivered, from its receive count: 0 s the first time
 * (a transient failure is retried at once), then 1, 3, 7, 15 s… up to the visibility timeout. A queue's redrive
 * policy moves a message that keeps failing to its dead-letter queue.
 */
export function retryVisibilitySeconds(receiveCount: number, visibilityTimeoutSeconds: number): number {
  const count = Number.isFinite(receiveCount) ? receiveCount : 1;
  const exponent = Math.max(0, Math.min(count - 1, 16));
  return Math.min(visibilityTimeoutSeconds, 2 ** exponent - 1);
}
