import {
  type DeleteMessageBatchCommandOutput,
  GetQueueAttributesCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Logger } from "pino";
import { Consumer } from "sqs-consumer";
import { retryVisibilitySeconds } from "./backoff.js";
import type { ConsumerConfig } from "./config.js";
import { describeError } from "./describe-error.js";
import type { Health } from "./health.js";
import type { Metrics } from "./metrics.js";
import { createVisibility } from "./visibility.js";

/** What a handler gets besides the message. */
export interface MessageHandlerContext {
  /** A logger bound to the message id. */
  readonly log: Logger;
  /** Aborts when the shutdown timeout runs out: stop early, the message will be redelivered. */
  readonly signal: AbortSignal;
}

/** Your business logic. Resolve to have the message deleted; throw to have it redelivered. */
export type MessageHandler = (message: Message, context: MessageHandlerContext) => Promise<void>;

/** Options of {@link createQueueWorker}. */
export interface QueueWorkerOptions {
  readonly config: Pick<
    ConsumerConfig,
    "queueUrl" | "concurrency" | "batchSize" | "waitTimeSeconds" | "visibilityTimeoutSeconds" | "shutdownTimeoutMs"
  >;
  /** The client every call goes through (its credentials are the only ones used). */
  readonly sqs: SQSClient;
  readonly handler: MessageHandler;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly health: Health;
}

/** The outcome of {@link QueueWorker.stop}. */
export interface StopResult {
  /** Every in-flight message was handled and deleted (or returned) before the timeout. */
  readonly clean: boolean;
  /** Messages still in flight when the timeout ran out: never deleted, they go back to the queue. */
  readonly abandoned: number;
  /**
   * How many of the abandoned messages SQS made visible again at once; the others reappear when their visibility
   * timeout ends.
   */
  readonly returned: number;
}

/** The receive loops around the handler. */
export interface QueueWorker {
  /** Checks the queue once (for a quick first readiness), then starts the receive loops. */
  start(): Promise<void>;
  /**
   * Stops receiving, lets in-flight handlers finish and their messages be deleted within the shutdown timeout.
   * When it runs out, handlers are aborted, nothing more is deleted, and the unfinished messages are made visible
   * again. Idempotent.
   */
  stop(): Promise<StopResult>;
}

const DELETE_FAILED = "SQS delete message failed";
/**
 * How long the stop waits, after the shutdown timeout, for SQS to take the unfinished messages back. A pod's
 * `terminationGracePeriodSeconds` must cover `SHUTDOWN_TIMEOUT_MS` plus this.
 */
export const RETURN_ON_TIMEOUT_MS = 3_000;

/**
 * Builds the receive loops on `sqs-consumer`: long polling, batches of up to ten handled concurrently,
 * `DeleteMessageBatch` for the handled ones, a visibility heartbeat while handlers run, failed messages returned
 * to the queue at once (with a growing delay), and a backoff with jitter while the queue or the credentials fail.
 */
export function createQueueWorker(options: QueueWorkerOptions): QueueWorker {
  const { config, sqs, handler, logger, metrics, health } = options;
  const stopping = new AbortController();
  const handlerDeadline = new AbortController();
  const visibility = createVisibility({ queueUrl: config.queueUrl, sqs, logger, metrics });
  const heartbeatMs = (config.visibilityTimeoutSeconds * 1000) / 3;
  /** Received and not yet deleted or returned. sqs-consumer hands the same objects to every event. */
  const inFlight = new Set<Message>();
  /** Message ids a DeleteMessageBatch answered as failed: handled, but SQS will deliver them again. */
  const notDeleted = new Set<string>();
  let stopResult: Promise<StopResult> | undefined;

  const track = (message: Message): void => {
    inFlight.add(message);
    metrics.inFlight = inFlight.size;
  };
  const untrack = (message: Message): boolean => {
    const removed = inFlight.delete(message);
    metrics.inFlight = inFlight.size;
    return removed;
  };

  // sqs-consumer ignores the per-entry failures of DeleteMessageBatch; without this a message SQS did not delete
  // (an expired receipt handle, say) would be counted as deleted and silently handled twice.
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === "DeleteMessageBatchCommand") {
        const failed = (result.output as DeleteMessageBatchCommandOutput).Failed ?? [];
        if (failed.length > 0) {
          metrics.queueCallErrors += 1;
          for (const entry of failed) if (entry.Id !== undefined) notDeleted.add(entry.Id);
          logger.warn(
            { failed: failed.map((entry) => ({ messageId: entry.Id, code: entry.Code, message: entry.Message })) },
            `could not delete ${failed.length} handled messages; SQS will deliver them again`,
          );
        }
      }
      return result;
    },
    { step: "initialize", name: "reportDeleteMessageBatchFailures", override: true },
  );

  const handleBatch = async (messages: Message[]): Promise<Message[]> => {
    // The messages whose visibility the heartbeat keeps extending: those being handled and those handled and
    // waiting for the batch's delete. A failed message leaves the set before it is returned, so no later heartbeat
    // hides it again, and it goes back at once instead of after the batch's slowest handler.
    const held = new Set(messages);
    const heartbeat = visibility.heartbeat(held, heartbeatMs, config.visibilityTimeoutSeconds, handlerDeadline.signal);
    try {
      const outcomes = await Promise.all(
        messages.map(async (message) => {
          const log = logger.child({ messageId: message.MessageId });
          const startedAt = performance.now();
          try {
            await handler(message, { log, signal: handlerDeadline.signal });
            log.info({ durationMs: Math.round(performance.now() - startedAt) }, "message handled");
            return message;
          } catch (error) {
            const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? "1");
            log.warn(
              { error: describeError(error), receiveCount },
              "message handler failed; the message goes back to the queue",
            );
            held.delete(message);
            // At the shutdown timeout, stop() returns every unfinished message at once.
            if (handlerDeadline.signal.aborted) return undefined;
            await heartbeat.settled();
            await visibility.change(
              [message],
              retryVisibilitySeconds(receiveCount, config.visibilityTimeoutSeconds),
              "return a failed message to the queue early",
            );
            metrics.failed += 1;
            untrack(message);
            return undefined;
          }
        }),
      );
      // After a shutdown timeout nothing is deleted: those messages are being returned to the queue.
      return handlerDeadline.signal.aborted ? [] : outcomes.filter((m): m is Message => m !== undefined);
    } finally {
      heartbeat.stop();
    }
  };

  const consumers = Array.from({ length: config.concurrency }, (_, index) => {
    const consumer = Consumer.create({
      queueUrl: config.queueUrl,
      sqs,
      batchSize: config.batchSize,
      waitTimeSeconds: config.waitTimeSeconds,
      visibilityTimeout: config.visibilityTimeoutSeconds,
      // No `heartbeatInterval`: the library's heartbeat extends the whole batch until its last handler ends, failed
      // messages included; ours (in handleBatch) lets a failed message go.
      messageSystemAttributeNames: ["ApproximateReceiveCount"],
      handleMessageBatch: handleBatch,
      shouldDeleteMessages: true,
      strictReturn: true,
      // Our own backoff (in preReceiveMessageCallback) replaces the library's fixed pause.
      authenticationErrorTimeout: 0,
      pollingWaitTimeMs: 0,
      preReceiveMessageCallback: async () => {
        await health.waitBeforeReceive(index, stopping.signal);
        health.enter(index, "receiving");
      },
      postReceiveMessageCallback: async () => {
        health.recordSuccess();
        health.enter(index, "processing");
      },
    });
    consumer.on("message_received", (message) => {
      metrics.received += 1;
      track(message);
    });
    consumer.on("message_processed", (message) => {
      if (message.MessageId !== undefined && notDeleted.delete(message.MessageId)) {
        // Reported by the DeleteMessageBatch middleware above.
      } else {
        metrics.deleted += 1;
      }
      untrack(message);
    });
    consumer.on("response_processed", () => health.enter(index, "idle"));
    consumer.on("empty", () => health.enter(index, "idle"));
    consumer.on("error", (error, messages) => {
      if (messages === undefined) {
        // A receive failed (or was cut short by the shutdown).
        if (stopping.signal.aborted) return;
        metrics.pollErrors += 1;
        health.recordFailure(error);
        health.enter(index, "idle");
        return;
      }
      // The batch's delete failed (or, in theory, the batch handler threw): the messages it still held were not
      // deleted and SQS delivers them again after their visibility timeout.
      metrics.queueCallErrors += 1;
      const undeleted = (Array.isArray(messages) ? messages : [messages]).filter(untrack).length;
      if (handlerDeadline.signal.aborted) return;
      logger.warn(
        { error: describeError(error), messages: undeleted },
        error.message.startsWith(DELETE_FAILED)
          ? "could not delete handled messages; SQS will deliver them again"
          : "a batch failed; SQS will deliver its messages again",
      );
    });
    return consumer;
  });

  const checkQueue = async (): Promise<void> => {
    try {
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: config.queueUrl, AttributeNames: ["QueueArn"] }));
      health.recordSuccess();
    } catch (error) {
      health.recordFailure(error);
    }
  };

  const waitForIdle = async (deadline: number): Promise<boolean> => {
    // Only during shutdown: sqs-consumer has no "batch finished" hook after its deletes, so its status is sampled.
    // `isPolling` stays true from the receive until the batch's delete has been answered.
    while (consumers.some((c) => c.status.isPolling)) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return true;
  };

  return {
    async start() {
      await checkQueue();
      if (stopping.signal.aborted) return;
      for (const consumer of consumers) consumer.start();
    },
    stop() {
      stopResult ??= (async () => {
        const deadline = Date.now() + config.shutdownTimeoutMs;
        health.markStopping();
        stopping.abort();
        consumers.forEach((consumer, index) => {
          consumer.stop();
          // A long poll that has not returned yet holds no message of ours: cut it short instead of waiting up to
          // WAIT_TIME_SECONDS. Calls made after this (deletes of a batch that raced in) get a fresh signal.
          if (health.phaseOf(index) === "receiving") {
            consumer.abortController.abort();
            consumer.abortController = new AbortController();
          }
        });
        const clean = await waitForIdle(deadline);
        let abandoned: Message[] = [];
        let returned = 0;
        if (!clean) {
          // Handlers are told to stop; sqs-consumer's own calls (deletes, receives) are cut off, so no message is
          // deleted from here on; and what is still in flight is made visible again rather than left hidden for up
          // to VISIBILITY_TIMEOUT.
          handlerDeadline.abort();
          for (const consumer of consumers) consumer.abortController.abort();
          abandoned = [...inFlight];
          returned = await visibility.change(
            abandoned,
            0,
            "return unfinished messages to the queue at the shutdown timeout",
            AbortSignal.timeout(RETURN_ON_TIMEOUT_MS),
          );
        }
        consumers.forEach((_, index) => health.enter(index, "stopped"));
        return { clean, abandoned: abandoned.length, returned };
      })();
      return stopResult;
    },
  };
}
