/**
 * The ceiling of the `attempt`-th wait of an exponential backoff: `baseMs` doubled at each attempt, never above
 * `maxMs`. The wait itself is drawn uniformly below it ({@link fullJitterDelayMs}): "full jitter", so that clients
 * that failed together do not retry together.
 */
export function backoffCeilingMs(attempt: number, baseMs: number, maxMs: number): number {
  // Capped exponent: 2 ** 1024 is Infinity, and past 30 doublings every sane maximum is reached anyway.
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
}

/** A wait drawn uniformly between 0 and `ceilingMs`, with `random` returning [0, 1). */
export function fullJitterDelayMs(ceilingMs: number, random: () => number): number {
  return random() * ceilingMs;
}
