import type { Message } from "@aws-sdk/client-sqs";
import type { Logger } from "pino";
import { describeError } from "./describe-error.js";
import type { InFlight } from "./in-flight.js";
import type { Metrics } from "./metrics.js";
import { retryVisibilitySeconds } from "./retry-delay.js";
import type { ReturnToQueue } from "./return-to-queue.js";

/** What a handler gets besides the message. */
export interface MessageHandlerContext {
  /** A logger bound to the message id. */
  readonly log: Logger;
  /** Aborts when the shutdown timeout runs out: stop early, the message will be redelivered. */
  readonly signal: AbortSignal;
}

/** Your business logic. Resolve to have the message deleted; throw to have it redelivered. */
export type MessageHandler = (message: Message, context: MessageHandlerContext) => Promise<void>;

/**
 * How long the stop waits, after the shutdown timeout, for SQS to take the unfinished messages back. A pod's
 * `terminationGracePeriodSeconds` must cover `SHUTDOWN_TIMEOUT_MS` plus this.
 */
export const RETURN_ON_TIMEOUT_MS = 3_000;

/** Options of {@link createBatchHandler}. */
export interface BatchHandlerOptions {
  readonly handler: MessageHandler;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly inFlight: InFlight;
  readonly returnToQueue: ReturnToQueue;
  readonly visibilityTimeoutSeconds: number;
  /** Aborts at the shutdown timeout: handlers are told, and batches delete nothing more. */
  readonly deadline: AbortSignal;
}

/** sqs-consumer's `handleMessageBatch`, and what the stop needs from it. */
export interface BatchHandler {
  /** Handles a batch's messages concurrently; resolves to the handled ones, which sqs-consumer deletes in one call. */
  handle(messages: Message[]): Promise<Message[]>;
  /**
   * After the deadline: waits (up to {@link RETURN_ON_TIMEOUT_MS}) for the batches to return their unfinished
   * messages, and says how many there were and how many SQS made visible again.
   */
  settle(): Promise<{ abandoned: number; returned: number }>;
}

/** Builds the batch handler of every receive loop. */
export function createBatchHandler(options: BatchHandlerOptions): BatchHandler {
  const active = new Set<Promise<unknown>>();
  const outcome = { abandoned: 0, returned: 0 };
  return {
    handle(messages) {
      const batch = handleBatch(messages, options, outcome);
      const done: Promise<boolean> = batch.then(
        () => active.delete(done),
        () => active.delete(done),
      );
      active.add(done);
      return batch;
    },
    async settle() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(resolve, RETURN_ON_TIMEOUT_MS);
      });
      await Promise.race([Promise.allSettled([...active]), timeout]);
      clearTimeout(timer);
      return { ...outcome };
    },
  };
}

async function handleBatch(
  messages: Message[],
  options: BatchHandlerOptions,
  outcome: { abandoned: number; returned: number },
): Promise<Message[]> {
  const { deadline } = options;
  const returnedEarly = new Set<Message>();
  const handled = await untilAborted(Promise.all(messages.map((message) => handleOne(message, options, returnedEarly))), deadline);
  if (!deadline.aborted) return (handled ?? []).filter((message): message is Message => message !== undefined);
  // At the shutdown timeout nothing more is deleted, not even a message whose handler resolves now: what this batch
  // still holds (handled or not) goes back to the queue at once instead of staying hidden up to VISIBILITY_TIMEOUT.
  const unfinished = messages.filter((message) => !returnedEarly.has(message));
  outcome.abandoned += unfinished.length;
  const why = "return unfinished messages to the queue at the shutdown timeout";
  const returned = await options.returnToQueue(unfinished, 0, why, AbortSignal.timeout(RETURN_ON_TIMEOUT_MS));
  outcome.returned += returned;
  for (const message of unfinished) options.inFlight.untrack(message);
  return [];
}

async function handleOne(message: Message, options: BatchHandlerOptions, returnedEarly: Set<Message>): Promise<Message | undefined> {
  const log = options.logger.child({ messageId: message.MessageId });
  const startedAt = performance.now();
  try {
    await options.handler(message, { log, signal: options.deadline });
    log.info({ durationMs: Math.round(performance.now() - startedAt) }, "message handled");
    return message;
  } catch (error) {
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? "1");
    // At the shutdown timeout the batch returns every unfinished message at once.
    if (!options.deadline.aborted) {
      returnedEarly.add(message);
      await returnFailed(message, receiveCount, options);
    }
    log.warn({ error: describeError(error), receiveCount }, "message handler failed; the message goes back to the queue");
    return undefined;
  }
}

/**
 * A failed message goes back as soon as it fails, even while the rest of its batch is still being handled: visible at
 * once the first time, which also ends sqs-consumer's heartbeat for it (SQS refuses to extend a message that is no
 * longer in flight); later, after its retry delay, which a heartbeat of its still-running batch may stretch up to
 * VISIBILITY_TIMEOUT.
 */
async function returnFailed(message: Message, receiveCount: number, options: BatchHandlerOptions): Promise<void> {
  const delaySeconds = retryVisibilitySeconds(receiveCount, options.visibilityTimeoutSeconds);
  await options.returnToQueue([message], delaySeconds, "return a failed message to the queue early");
  options.metrics.failed += 1;
  options.inFlight.untrack(message);
}

/** `work`'s result, or `undefined` as soon as `signal` aborts (`work` is left running). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = (): void => resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
