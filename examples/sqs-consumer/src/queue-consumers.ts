import { setTimeout as sleep } from "node:timers/promises";
import { GetQueueAttributesCommand, type Message, type SQSClient } from "@aws-sdk/client-sqs";
import type { Logger } from "pino";
import { Consumer } from "sqs-consumer";
import { type BatchHandler, createBatchHandler, type MessageHandler } from "./batch-handler.js";
import type { ConsumerConfig } from "./config.js";
import { describeError } from "./describe-error.js";
import type { Health } from "./health.js";
import { createInFlight, type InFlight } from "./in-flight.js";
import type { Metrics } from "./metrics.js";
import { reportRefusedDeletes } from "./refused-deletes.js";
import { returnToQueue } from "./return-to-queue.js";

/** sqs-consumer's own default `authenticationErrorTimeout`: the pause after a failed receive. */
export const RECEIVE_ERROR_PAUSE_MS = 10_000;

/**
 * sqs-consumer looks once a second whether a stopped loop's work is done (`pollingCompleteWaitTimeMs`): the shutdown
 * timeout is noticed up to this late.
 */
export const STOP_CHECK_INTERVAL_MS = 1_000;

/** Options of {@link createQueueConsumers}. */
export interface QueueConsumersOptions {
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
  /** The pause after a failed receive. @defaultValue {@link RECEIVE_ERROR_PAUSE_MS} */
  readonly receiveErrorPauseMs?: number;
}

/** The outcome of {@link QueueConsumers.stop}. */
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

/** The receive loops: one sqs-consumer `Consumer` each. */
export interface QueueConsumers {
  /** Checks the queue once (for a quick first readiness), then starts the receive loops. */
  start(): Promise<void>;
  /**
   * Stops receiving (an idle long poll is cut short), lets in-flight handlers finish and their messages be deleted
   * within the shutdown timeout. When it runs out, handlers are aborted, nothing more is deleted, and the unfinished
   * messages are made visible again. Idempotent.
   */
  stop(): Promise<StopResult>;
}

/** What every loop shares. */
interface Shared extends QueueConsumersOptions {
  readonly receiveErrorPauseMs: number;
  readonly inFlight: InFlight;
  readonly batches: BatchHandler;
  /** Message ids whose DeleteMessageBatch entry SQS refused. */
  readonly refusedDeletes: Set<string>;
  /** Aborts at the stop signal. */
  readonly stopping: AbortController;
  /** Aborts at the shutdown timeout. */
  readonly deadline: AbortController;
}

/** One receive loop. */
interface Loop {
  start(): void;
  /** Resolves when sqs-consumer has stopped it: `true` when in-flight work outlived the shutdown timeout. */
  stop(): Promise<boolean>;
}

/**
 * Builds the receive loops on sqs-consumer: long polling, batches handled concurrently and deleted with one
 * `DeleteMessageBatch`, sqs-consumer's visibility heartbeat while handlers run, failed messages returned to the queue
 * at once (then with a growing delay), its pause after a failed receive, and its graceful stop.
 */
export function createQueueConsumers(options: QueueConsumersOptions): QueueConsumers {
  const { config, sqs, logger, metrics } = options;
  const inFlight = createInFlight(metrics);
  const deadline = new AbortController();
  const shared: Shared = {
    ...options,
    receiveErrorPauseMs: options.receiveErrorPauseMs ?? RECEIVE_ERROR_PAUSE_MS,
    inFlight,
    refusedDeletes: reportRefusedDeletes(sqs, logger, metrics),
    stopping: new AbortController(),
    deadline,
    batches: createBatchHandler({
      ...options,
      inFlight,
      returnToQueue: returnToQueue({ queueUrl: config.queueUrl, sqs, logger, metrics }),
      visibilityTimeoutSeconds: config.visibilityTimeoutSeconds,
      deadline: deadline.signal,
    }),
  };
  const loops = Array.from({ length: config.concurrency }, (_, index) => createLoop(index, shared));
  let stopped: Promise<StopResult> | undefined;
  return {
    async start() {
      await checkQueue(shared);
      if (!shared.stopping.signal.aborted) for (const loop of loops) loop.start();
    },
    stop() {
      stopped ??= stopAll(loops, shared);
      return stopped;
    },
  };
}

async function checkQueue({ sqs, config, health }: Shared): Promise<void> {
  try {
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: config.queueUrl, AttributeNames: ["QueueArn"] }));
    health.recordSuccess();
  } catch (error) {
    health.recordFailure(error);
  }
}

function createLoop(index: number, shared: Shared): Loop {
  const { config, health } = shared;
  const pause = receivePause(shared.receiveErrorPauseMs, shared.stopping.signal);
  const consumer = Consumer.create({
    queueUrl: config.queueUrl,
    sqs: shared.sqs,
    batchSize: config.batchSize,
    waitTimeSeconds: config.waitTimeSeconds,
    visibilityTimeout: config.visibilityTimeoutSeconds,
    heartbeatInterval: config.visibilityTimeoutSeconds / 3,
    messageSystemAttributeNames: ["ApproximateReceiveCount"],
    handleMessageBatch: shared.batches.handle,
    strictReturn: true,
    authenticationErrorTimeout: shared.receiveErrorPauseMs,
    pollingCompleteWaitTimeMs: config.shutdownTimeoutMs,
    preReceiveMessageCallback: async () => {
      await pause.wait();
      health.enter(index, "receiving");
    },
    postReceiveMessageCallback: async () => {
      health.recordSuccess();
      health.enter(index, "processing");
    },
  });
  listen(consumer, index, shared, pause);
  return {
    start: () => consumer.start(),
    // A loop that is not handling a batch holds no message: its long poll is cut short (sqs-consumer's abort).
    stop: () => stopConsumer(consumer, health.phaseOf(index) !== "processing"),
  };
}

/** sqs-consumer's events, as metrics, readiness, loop phases and log lines. */
function listen(consumer: Consumer, index: number, shared: Shared, pause: ReceivePause): void {
  const { metrics, health, inFlight } = shared;
  consumer.on("message_received", (message) => {
    metrics.received += 1;
    inFlight.track(message);
  });
  consumer.on("message_processed", (message) => {
    const refused = message.MessageId !== undefined && shared.refusedDeletes.delete(message.MessageId);
    if (!refused) metrics.deleted += 1;
    inFlight.untrack(message);
  });
  consumer.on("response_processed", () => health.enter(index, "idle"));
  consumer.on("empty", () => health.enter(index, "idle"));
  consumer.on("error", (error, messages) => {
    if (messages !== undefined) {
      onCallError(error, Array.isArray(messages) ? messages : [messages], shared);
      return;
    }
    // A receive failed (or was cut short by the stop).
    if (shared.stopping.signal.aborted) return;
    metrics.pollErrors += 1;
    health.recordFailure(error);
    health.enter(index, "idle");
    pause.failed();
  });
}

/**
 * A call about received messages failed. sqs-consumer tells them apart only by their message: a failed delete (SQS
 * delivers those messages again after their visibility timeout) or a failed heartbeat (the messages stay ours until
 * their current visibility timeout ends).
 */
function onCallError(error: Error, messages: readonly Message[], { metrics, logger, inFlight }: Shared): void {
  metrics.queueCallErrors += 1;
  if (error.message.startsWith("Error changing visibility timeout")) {
    logger.warn({ error: describeError(error), messages: messages.length }, "could not extend the visibility of messages being handled");
    return;
  }
  const undelivered = messages.filter((message) => inFlight.untrack(message)).length;
  logger.warn(
    { error: describeError(error), messages: undelivered },
    error.message.startsWith("SQS delete message failed")
      ? "could not delete handled messages; SQS will deliver them again"
      : "a batch failed; SQS will deliver its messages again",
  );
}

/** The pause before the next receive after a failed one. */
interface ReceivePause {
  failed(): void;
  wait(): Promise<void>;
}

/**
 * sqs-consumer pauses `authenticationErrorTimeout` only after the receive errors it recognises (a 403, its list of
 * codes). Any other failure is polled again at once: the credential providers' errors (each class has its own name)
 * and network errors (the queue's host refusing connections) turn into a hot loop while the credential cache backs
 * off or the host is down — "pauses after any failed receive" in test/consumer.test.ts counts the attempts. This makes
 * every failed receive pause as long; after an error sqs-consumer recognises, its own pause has already elapsed. The
 * stop cuts the pause short.
 */
function receivePause(pauseMs: number, stopping: AbortSignal): ReceivePause {
  let resumeAt = 0;
  return {
    failed() {
      resumeAt = Date.now() + pauseMs;
    },
    async wait() {
      const waitMs = resumeAt - Date.now();
      if (waitMs > 0) await sleep(waitMs, undefined, { signal: stopping });
    },
  };
}

/** sqs-consumer's graceful stop: no new receive, then its `stopped` event once the batch in flight is done. */
function stopConsumer(consumer: Consumer, abort: boolean): Promise<boolean> {
  if (!consumer.status.isRunning) return Promise.resolve(false);
  return new Promise((resolve) => {
    let timedOut = false;
    consumer.once("waiting_for_polling_to_complete_timeout_exceeded", () => {
      timedOut = true;
    });
    consumer.once("stopped", () => resolve(timedOut));
    consumer.stop({ abort });
  });
}

async function stopAll(loops: readonly Loop[], shared: Shared): Promise<StopResult> {
  shared.health.markStopping();
  shared.stopping.abort();
  const timedOut = await Promise.all(loops.map((loop) => loop.stop()));
  const clean = !timedOut.includes(true) && shared.inFlight.size === 0;
  let outcome = { abandoned: 0, returned: 0 };
  if (!clean) {
    shared.deadline.abort();
    outcome = await shared.batches.settle();
  }
  loops.forEach((_, index) => shared.health.enter(index, "stopped"));
  return { clean, ...outcome };
}
