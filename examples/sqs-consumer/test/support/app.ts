import { GetQueueAttributesCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import type { WebIdentityWorldOptions } from "@workload-identity/testing";
import { afterAll, afterEach, beforeAll, vi } from "vitest";
import {
  type ConsumerApp,
  type CredentialsFactory,
  loadConfig,
  type MessageHandler,
  startConsumerApp,
} from "@workload-identity/example-sqs-consumer";
import { captureLogs, type LogLine } from "./logs.js";
import { type PodWorld, startPodWorld } from "./world.js";

const BUILD_INFO = { name: "test-consumer", version: "0.0.0", gitCommit: "abc123", buildTime: "now", node: process.version, platform: "test" };

/**
 * Starts the consumer in this process with the pod's environment stubbed in (so `fromEnvironmentAware()` reads it,
 * exactly as in production) and short timings. Call `vi.unstubAllEnvs()` after.
 */
export async function startTestConsumer(options: {
  podEnv: Record<string, string>;
  queueUrl: string;
  handler: MessageHandler;
  env?: Record<string, string>;
  credentials?: CredentialsFactory;
  receiveErrorPauseMs?: number;
}): Promise<{ app: ConsumerApp; logs: LogLine[]; probe: (path: string) => Promise<{ status: number; body: string }> }> {
  const env = {
    ...options.podEnv,
    QUEUE_URL: options.queueUrl,
    STATUS_PROBE_ADDR: "127.0.0.1:0",
    WAIT_TIME_SECONDS: "1",
    VISIBILITY_TIMEOUT: "5",
    SHUTDOWN_TIMEOUT_MS: "10000",
    ...options.env,
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  const config = loadConfig(process.env);
  const { logger, lines } = captureLogs("info");
  const app = await startConsumerApp({
    config,
    logger,
    buildInfo: BUILD_INFO,
    handler: options.handler,
    receiveErrorPauseMs: options.receiveErrorPauseMs ?? 200,
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  });
  const probe = async (path: string) => {
    const response = await fetch(`http://${app.probeAddress}${path}`);
    return { status: response.status, body: await response.text() };
  };
  return { app, logs: lines, probe };
}

/** A producer with its own static test keys (they show up apart from the consumer's in the signing log). */
export function producer(endpoint: string): SQSClient {
  return new SQSClient({
    region: "eu-west-1",
    endpoint,
    useQueueUrlAsEndpoint: false,
    credentials: { accessKeyId: "AKIDPRODUCER", secretAccessKey: "producer-secret" },
  });
}

/** Sends `bodies` in batches of ten; returns their message ids. */
export async function sendAll(sqs: SQSClient, queueUrl: string, bodies: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < bodies.length; start += 10) {
    const chunk = bodies.slice(start, start + 10);
    const output = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((body, index) => ({ Id: String(index), MessageBody: body })),
      }),
    );
    if ((output.Failed?.length ?? 0) > 0) throw new Error(`SendMessageBatch failed: ${JSON.stringify(output.Failed)}`);
    ids.push(...(output.Successful ?? []).map((entry) => entry.MessageId ?? ""));
  }
  return ids;
}

/** Messages still in the queue, visible or not. */
export async function remaining(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

/** A test file's world and its consumers, one at a time: each stopped after its test, the environment unstubbed. */
export interface TestConsumers {
  /** The pod's world, started before the file's tests and closed after them. */
  readonly world: PodWorld;
  /** A new queue on the world's SQS server. */
  newQueue(): Promise<string>;
  /** {@link startTestConsumer} with the world's pod environment. */
  start(options: Omit<Parameters<typeof startTestConsumer>[0], "podEnv">): ReturnType<typeof startTestConsumer>;
}

/** Registers the hooks that start the world and stop each test's consumer; call it at a test file's top level. */
export function useTestConsumers(worldOptions: WebIdentityWorldOptions, queuePrefix: string): TestConsumers {
  let world: PodWorld | undefined;
  let running: ConsumerApp | undefined;
  let queues = 0;
  beforeAll(async () => {
    world = await startPodWorld(worldOptions);
  });
  afterAll(() => world?.close());
  afterEach(async () => {
    await running?.stop();
    running = undefined;
    vi.unstubAllEnvs();
  });
  const current = (): PodWorld => {
    if (world === undefined) throw new Error("the world starts in beforeAll");
    return world;
  };
  return {
    get world() {
      return current();
    },
    newQueue: () => current().sqs.createQueue(`${queuePrefix}-${(queues += 1)}`),
    async start(options) {
      const started = await startTestConsumer({ podEnv: current().env, ...options });
      running = started.app;
      return started;
    },
  };
}
