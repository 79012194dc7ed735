import { ChangeMessageVisibilityBatchCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import type { Logger } from "pino";
import { describeError } from "./describe-error.js";
import type { Metrics } from "./metrics.js";

/** SQS accepts at most ten entries per batch call. */
const MAX_BATCH_ENTRIES = 10;

/** Options of {@link createVisibility}. */
export interface VisibilityOptions {
  readonly queueUrl: string;
  readonly sqs: SQSClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** The `ChangeMessageVisibility(Batch)` calls of the consumer: the heartbeat and the returns to the queue. */
export interface Visibility {
  /**
   * Sets the visibility timeout of `messages` to `seconds` from now (a heartbeat: the full timeout; a return to the
   * queue: 0 or a retry delay). Never throws: a failure is logged and counted, and the messages then reappear when
   * their current visibility timeout ends.
   *
   * @returns how many messages SQS confirmed
   */
  change(messages: readonly Message[], seconds: number, why: string, signal?: AbortSignal): Promise<number>;
  /**
   * Starts extending the visibility of the messages in `held` every `intervalMs`, each time by `seconds`, until
   * `stop()` or `signal` aborts. Remove a message from `held` (then await `settled()`) before returning it to the
   * queue, so no heartbeat hides it again.
   */
  heartbeat(held: ReadonlySet<Message>, intervalMs: number, seconds: number, signal: AbortSignal): Heartbeat;
}

/** A running heartbeat of one batch. */
export interface Heartbeat {
  /** Resolves when the extension in progress, if any, has been answered. */
  settled(): Promise<void>;
  stop(): void;
}

/** Builds the visibility calls for one queue. */
export function createVisibility(options: VisibilityOptions): Visibility {
  const { queueUrl, sqs, logger, metrics } = options;

  const change: Visibility["change"] = async (messages, seconds, why, signal) => {
    let confirmed = 0;
    for (let start = 0; start < messages.length; start += MAX_BATCH_ENTRIES) {
      const chunk = messages.slice(start, start + MAX_BATCH_ENTRIES);
      try {
        const output = await sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: queueUrl,
            Entries: chunk.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle,
              VisibilityTimeout: seconds,
            })),
          }),
          signal === undefined ? {} : { abortSignal: signal },
        );
        confirmed += output.Successful?.length ?? 0;
        const failed = output.Failed ?? [];
        if (failed.length > 0) {
          metrics.queueCallErrors += 1;
          logger.warn(
            {
              failed: failed.map((entry) => ({
                messageId: chunk[Number(entry.Id)]?.MessageId,
                code: entry.Code,
                message: entry.Message,
              })),
            },
            `could not ${why} for ${failed.length} of ${chunk.length} messages`,
          );
        }
      } catch (error) {
        metrics.queueCallErrors += 1;
        logger.warn(
          { error: describeError(error), messages: chunk.length, visibilityTimeoutSeconds: seconds },
          `could not ${why}`,
        );
      }
    }
    return confirmed;
  };

  return {
    change,
    heartbeat(held, intervalMs, seconds, signal) {
      let inProgress: Promise<unknown> = Promise.resolve();
      const timer = setInterval(() => {
        const messages = [...held];
        if (messages.length > 0) inProgress = change(messages, seconds, "extend the visibility of messages being handled");
      }, intervalMs);
      const stop = (): void => {
        clearInterval(timer);
        signal.removeEventListener("abort", stop);
      };
      if (signal.aborted) stop();
      else signal.addEventListener("abort", stop, { once: true });
      return {
        settled: async () => {
          await inProgress;
        },
        stop,
      };
    },
  };
}
