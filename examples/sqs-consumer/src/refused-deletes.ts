import type { DeleteMessageBatchCommandOutput, SQSClient } from "@aws-sdk/client-sqs";
import type { Logger } from "pino";
import type { Metrics } from "./metrics.js";

/**
 * sqs-consumer reports every message of a `DeleteMessageBatch` as processed, even the entries SQS answered as failed
 * (an expired receipt handle, say): such a message would be counted as deleted and silently handled twice. This
 * middleware reads each answer; the returned set holds the message ids (sqs-consumer's entry ids) SQS did not delete,
 * for the `message_processed` listener to take out.
 */
export function reportRefusedDeletes(sqs: SQSClient, logger: Logger, metrics: Metrics): Set<string> {
  const refused = new Set<string>();
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName !== "DeleteMessageBatchCommand") return result;
      const failed = (result.output as DeleteMessageBatchCommandOutput).Failed ?? [];
      if (failed.length > 0) {
        metrics.queueCallErrors += 1;
        for (const entry of failed) if (entry.Id !== undefined) refused.add(entry.Id);
        logger.warn(
          { failed: failed.map((entry) => ({ messageId: entry.Id, code: entry.Code, message: entry.Message })) },
          `could not delete ${failed.length} handled messages; SQS will deliver them again`,
        );
      }
      return result;
    },
    { step: "initialize", name: "reportRefusedDeleteMessageBatchEntries", override: true },
  );
  return refused;
}
