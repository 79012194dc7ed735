import type { Logger } from "pino";
import type { BackoffOptions } from "./backoff.js";
import type { BuildInfo } from "./build-info.js";
import type { ConsumerConfig } from "./config.js";
import { credentialEventHandler } from "./credential-events.js";
import { Health } from "./health.js";
import { Metrics } from "./metrics.js";
import { startProbeServer } from "./probe-server.js";
import { type MessageHandler, type StopResult, createQueueWorker } from "./queue-worker.js";
import { type CredentialsFactory, createSqsClient } from "./sqs-client.js";

/** Options of {@link startConsumerApp}. */
export interface ConsumerAppOptions {
  readonly config: ConsumerConfig;
  readonly logger: Logger;
  readonly buildInfo: BuildInfo;
  readonly handler: MessageHandler;
  /** Tests only: where credentials come from instead of `fromEnvironmentAware()`. */
  readonly credentials?: CredentialsFactory;
  /** Tests only: the backoff after receive failures. */
  readonly backoff?: BackoffOptions;
}

/** A running consumer. */
export interface ConsumerApp {
  /** Where the probes listen, `HOST:PORT`. */
  readonly probeAddress: string;
  readonly metrics: Metrics;
  readonly health: Health;
  /** Graceful stop: see `QueueWorker.stop`. Idempotent. */
  stop(): Promise<StopResult>;
}

/**
 * Starts the probe server, the SQS client and the receive loops. Credentials and the queue may fail at first: the
 * loops back off and `/readyz` says why until they answer.
 */
export async function startConsumerApp(options: ConsumerAppOptions): Promise<ConsumerApp> {
  const { config, logger, buildInfo } = options;
  let health: Health | undefined;
  const metrics = new Metrics(buildInfo, () => health?.readiness().ok ?? false);
  health = new Health({
    waitTimeSeconds: config.waitTimeSeconds,
    loops: config.concurrency,
    logger,
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
  });
  const sqs = createSqsClient({
    config,
    logger: logger.child({ component: "credentials" }),
    onCredentialsEvent: credentialEventHandler(logger.child({ component: "credentials" }), metrics),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  });
  const probes = await startProbeServer({ host: config.probeHost, port: config.probePort, health, metrics });
  logger.info({ address: probes.address }, "probe server listening");
  const worker = createQueueWorker({ config, sqs, handler: options.handler, logger, metrics, health });
  await worker.start();
  logger.info(
    { concurrency: config.concurrency, batchSize: config.batchSize, waitTimeSeconds: config.waitTimeSeconds },
    "receiving messages",
  );

  let stopped: Promise<StopResult> | undefined;
  return {
    probeAddress: probes.address,
    metrics,
    health,
    stop() {
      stopped ??= (async () => {
        const result = await worker.stop();
        await probes.close();
        sqs.destroy();
        return result;
      })();
      return stopped;
    },
  };
}
