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
