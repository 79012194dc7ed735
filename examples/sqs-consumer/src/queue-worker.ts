import {
  ChangeMessageVisibilityBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Logger } from "pino";
import { Consumer } from "sqs-consumer";
import { retryVisibilitySeconds } from "./backoff.js";
import type { ConsumerConfig } from "./config.js";
import type { Health } from "./health.js";
import type { Metrics } from "./metrics.js";

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
  /** Messages still in flight when the timeout ran out; SQS redelivers them after their visibility timeout. */
  readonly abandoned: number;
}

/** The receive loops around the handler. */
export interface QueueWorker {
  /** Checks the queue once (for a quick first readiness), then starts the receive loops. */
  start(): Promise<void>;
  /**
   * Stops receiving, lets in-flight handlers finish and their messages be deleted within the shutdown timeout.
   * Idempotent.
   */
  stop(): Promise<StopResult>;
}

const DELETE_FAILED = "SQS delete message failed";

/**
 * Builds the receive loops on `sqs-consumer`: long polling, batches of up to ten handled concurrently,
 * `DeleteMessageBatch` for the handled ones, a visibility heartbeat while handlers run, failed messages returned
 * to the queue with a growing delay, and a backoff with jitter while the queue or the credentials fail.
 */
export function createQueueWorker(options: QueueWorkerOptions): QueueWorker {
  const { config, sqs, handler, logger, metrics, health } = options;
  const stopping = new AbortController();
  const handlerDeadline = new AbortController();
  let stopResult: Promise<StopResult> | undefined;

  const returnToQueue = async (failed: readonly Message[]): Promise<void> => {
    const entries = failed.map((message, index) => ({
      Id: String(index),
      ReceiptHandle: message.ReceiptHandle,
      VisibilityTimeout: retryVisibilitySeconds(
        Number(message.Attributes?.ApproximateReceiveCount ?? "1"),
        config.visibilityTimeoutSeconds,
      ),
    }));
    try {
      const output = await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: config.queueUrl, Entries: entries }));
      if ((output.Failed?.length ?? 0) > 0) metrics.queueCallErrors += 1;
    } catch (error) {
      // The messages come back anyway once their visibility timeout ends.
      metrics.queueCallErrors += 1;
      logger.warn({ error: describeError(error) }, "could not return failed messages to the queue early");
    }
  };

  const handleBatch = async (messages: Message[]): Promise<Message[]> => {
    const results = await Promise.all(
      messages.map(async (message) => {
        const log = logger.child({ messageId: message.MessageId });
        const startedAt = performance.now();
        try {
          await handler(message, { log, signal: handlerDeadline.signal });
          log.info({ durationMs: Math.round(performance.now() - startedAt) }, "message handled");
          return { message, ok: true as const };
        } catch (error) {
          log.warn(
            {
              error: describeError(error),
              receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? "1"),
            },
            "message handler failed; the message goes back to the queue",
          );
          return { message, ok: false as const };
        }
      }),
    );
    const failed = results.filter((r) => !r.ok).map((r) => r.message);
    if (failed.length > 0) {
      // After the whole batch, so the batch heartbeat no longer needs them. Returned before the handled ones are
      // deleted; a heartbeat landing in between would only hide them for one more visibility timeout.
      await returnToQueue(failed);
      metrics.failed += failed.length;
      metrics.inFlight -= failed.length;
    }
    return results.filter((r) => r.ok).map((r) => r.message);
  };

  const consumers = Array.from({ length: config.concurrency }, (_, index) => {
    const consumer = Consumer.create({
      queueUrl: config.queueUrl,
      sqs,
      batchSize: config.batchSize,
      waitTimeSeconds: config.waitTimeSeconds,
      visibilityTimeout: config.visibilityTimeoutSeconds,
      heartbeatInterval: config.visibilityTimeoutSeconds / 3,
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
    consumer.on("message_received", () => {
      metrics.received += 1;
      metrics.inFlight += 1;
    });
    consumer.on("message_processed", () => {
      metrics.deleted += 1;
      metrics.inFlight -= 1;
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
      metrics.queueCallErrors += 1;
      const count = Array.isArray(messages) ? messages.length : 1;
      if (error.message.startsWith(DELETE_FAILED)) {
        metrics.inFlight -= count;
        logger.warn(
          { error: describeError(error), messages: count },
          "could not delete handled messages; they will be redelivered",
        );
      } else {
        logger.warn({ error: describeError(error), messages: count }, "could not extend message visibility");
      }
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
        const abandoned = clean ? 0 : metrics.inFlight;
        if (!clean) {
          handlerDeadline.abort();
          for (const consumer of consumers) consumer.abortController.abort();
        }
        consumers.forEach((_, index) => health.enter(index, "stopped"));
        return { clean, abandoned };
      })();
      return stopResult;
    },
  };
}

/** An error's name, code and message — never its other fields (which may hold request details). */
export function describeError(error: unknown): { name: string; code?: string; message: string } {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const cause = error.name === "SQSError" && error.cause instanceof Error ? error.cause : undefined;
  const code = (cause ?? error) as { code?: unknown };
  return {
    name: (cause ?? error).name,
    ...(typeof code.code === "string" ? { code: code.code } : {}),
    message: error.message,
  };
}
