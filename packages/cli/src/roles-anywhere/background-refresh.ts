/** Options of {@link startBackgroundRefresh}. */
export interface BackgroundRefreshOptions {
  /** Called on every tick; a `withRefresh` provider starts its refresh when the advisory window is reached. */
  readonly tick: () => Promise<unknown>;
  /** @defaultValue 30000 */
  readonly intervalMs?: number;
}

/**
 * Keeps the credentials fresh while nobody asks for them, so an application's first request after a quiet hour is
 * answered from the cache. `withRefresh` arms no timer itself; this one is unref'd and never overlaps itself.
 */
export function startBackgroundRefresh(options: BackgroundRefreshOptions): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    options
      .tick()
      .catch(() => {
        // Failures are logged through the provider's refresh events.
      })
      .finally(() => {
        running = false;
      });
  }, options.intervalMs ?? 30_000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
