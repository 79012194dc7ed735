/**
 * Runs every closer, even when one fails, then throws the first failure: a world's close never leaves a server
 * running because another part failed to stop.
 */
export async function closeAll(closers: readonly (() => Promise<unknown>)[]): Promise<void> {
  const results = await Promise.allSettled(closers.map((close) => close()));
  const failure = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failure !== undefined) throw failure.reason;
}

/** Starts a world's parts in order; when one fails to start, closes the ones already running and rethrows. */
export async function startParts<T>(start: (started: (close: () => Promise<unknown>) => void) => Promise<T>): Promise<T> {
  const closers: (() => Promise<unknown>)[] = [];
  try {
    return await start((close) => closers.push(close));
  } catch (error) {
    await closeAll(closers).catch(() => undefined);
    throw error;
  }
}
