import type { Logger } from "pino";
import type { MessageHandler } from "./batch-handler.js";
import type { BuildInfo } from "./build-info.js";
import type { ConsumerConfig } from "./config.js";
import { credentialEventHandler } from "./credential-events.js";
import { Health } from "./health.js";
import { Metrics } from "./metrics.js";
import { startProbeServer } from "./probe-server.js";
import { createQueueConsumers, type StopResult } from "./queue-consumers.js";
import { type CredentialsFactory, createSqsClient } from "./sqs-client.js";

/** Options of {@link startConsumerApp}. */
export interface ConsumerAppOptions {
  readonly config: ConsumerConfig;
  readonly logger: Logger;
  readonly buildInfo: BuildInfo;
  readonly handler: MessageHandler;
  /** Tests and benchmarks only: where credentials come from instead of `fromEnvironmentAware()`. */
  readonly credentials?: CredentialsFactory;
  /** Tests only: the pause after a failed receive. @defaultValue 10000 (sqs-consumer's) */
  readonly receiveErrorPauseMs?: number;
}

/** A running consumer. */
export interface ConsumerApp {
  /** Where the probes listen, `HOST:PORT`. */
  readonly probeAddress: string;
  readonly metrics: Metrics;
  readonly health: Health;
  /** Graceful stop: see `QueueConsumers.stop`. Idempotent. */
  stop(): Promise<StopResult>;
}

/**
 * Starts the probe server, the SQS client and the receive loops. Credentials and the queue may fail at first: the
 * loops pause after each failed receive and `/readyz` says why until they answer.
 */
export async function startConsumerApp(options: ConsumerAppOptions): Promise<ConsumerApp> {
  const { config, logger, buildInfo } = options;
  let health: Health | undefined;
  const metrics = new Metrics(buildInfo, () => health?.readiness().ok ?? false);
  health = new Health({ waitTimeSeconds: config.waitTimeSeconds, loops: config.concurrency, logger });
  const credentialsLogger = logger.child({ component: "credentials" });
  const sqs = createSqsClient({
    config,
    logger: credentialsLogger,
    onCredentialsEvent: credentialEventHandler(credentialsLogger, metrics),
    onRecoveryEvent: (event) => metrics.recordCredentialRecovery(event),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  });
  const probes = await startProbeServer({ host: config.probeHost, port: config.probePort, health, metrics });
  logger.info({ address: probes.address }, "probe server listening");
  const consumers = createQueueConsumers({
    config,
    sqs,
    handler: options.handler,
    logger,
    metrics,
    health,
    ...(options.receiveErrorPauseMs === undefined ? {} : { receiveErrorPauseMs: options.receiveErrorPauseMs }),
  });
  await consumers.start();
  const { concurrency, batchSize, waitTimeSeconds } = config;
  logger.info({ concurrency, batchSize, waitTimeSeconds }, "receiving messages");

  let stopped: Promise<StopResult> | undefined;
  return {
    probeAddress: probes.address,
    metrics,
    health,
    stop() {
      stopped ??= (async () => {
        const result = await consumers.stop();
        await probes.close();
        sqs.destroy();
        return result;
      })();
      return stopped;
    },
  };
}
