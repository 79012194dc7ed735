/** The signals that stop the consumer gracefully: Kubernetes sends SIGTERM, a terminal SIGINT, some runtimes SIGQUIT. */
export const STOP_SIGNALS = ["SIGTERM", "SIGINT", "SIGQUIT"] as const;

/**
 * Calls `onStop` once, at the first stop signal; later ones are reported to `onRepeat` (the shutdown is already
 * bounded by its timeout). SIGPIPE is ignored: a closed log pipe must not kill a consumer with messages in flight.
 *
 * @returns a function that removes the handlers
 */
export function onStopSignal(
  onStop: (signal: NodeJS.Signals) => void,
  onRepeat: (signal: NodeJS.Signals) => void = () => undefined,
): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      onRepeat(signal);
      return;
    }
    stopping = true;
    onStop(signal);
  };
  const ignore = (): void => undefined;
  for (const signal of STOP_SIGNALS) process.on(signal, handler);
  process.on("SIGPIPE", ignore);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, handler);
    process.off("SIGPIPE", ignore);
  };
}
