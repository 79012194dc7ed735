import { ChangeMessageVisibilityBatchCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import type { Logger } from "pino";
import { describeError } from "./describe-error.js";
import type { Metrics } from "./metrics.js";

/**
 * Makes up to ten messages of one batch visible again after `seconds` (0: at once). sqs-consumer returns a batch only
 * when its whole handler throws; a failed message of a batch, or the unfinished ones at the shutdown timeout, go
 * back through this. Never throws: a failure is logged and counted, and those messages reappear when their current
 * visibility timeout ends.
 *
 * @returns how many messages SQS confirmed
 */
export type ReturnToQueue = (messages: readonly Message[], seconds: number, why: string, signal?: AbortSignal) => Promise<number>;

/** The {@link ReturnToQueue} of one queue. */
export function returnToQueue(options: {
  readonly queueUrl: string;
  readonly sqs: SQSClient;
  readonly logger: Logger;
  readonly metrics: Metrics;
}): ReturnToQueue {
  const { queueUrl, sqs, logger, metrics } = options;
  return async (messages, seconds, why, signal) => {
    if (messages.length === 0) return 0;
    const entries = messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: seconds }));
    try {
      const output = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }),
        signal === undefined ? {} : { abortSignal: signal },
      );
      const failed = output.Failed ?? [];
      if (failed.length > 0) {
        metrics.queueCallErrors += 1;
        const detail = failed.map((entry) => ({ messageId: messages[Number(entry.Id)]?.MessageId, code: entry.Code, message: entry.Message }));
        logger.warn({ failed: detail }, `could not ${why} for ${failed.length} of ${messages.length} messages`);
      }
      return output.Successful?.length ?? 0;
    } catch (error) {
      metrics.queueCallErrors += 1;
      logger.warn({ error: describeError(error), messages: messages.length, visibilityTimeoutSeconds: seconds }, `could not ${why}`);
      return 0;
    }
  };
}
