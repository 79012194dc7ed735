// The consumer's entry point: configuration, logs, probes, the receive loops, and a graceful stop on signals.
import { startConsumerApp } from "./app.js";
import { readBuildInfo } from "./build-info.js";
import { loadConfig } from "./config.js";
import { ConfigError } from "./errors.js";
import { handleMessage } from "./handler.js";
import { createLogger } from "./logger.js";
import { onStopSignal } from "./signals.js";

const buildInfo = await readBuildInfo(process.env);

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  const log = createLogger("info");
  log.fatal({ ...buildInfo, code: error.code, problems: error.problems }, error.message);
  process.exit(78); // EX_CONFIG: a restart will not help until the configuration changes
}

const logger = createLogger(config.logLevel);
logger.info(
  {
    ...buildInfo,
    queueUrl: config.queueUrl,
    region: config.region,
    concurrency: config.concurrency,
    batchSize: config.batchSize,
    waitTimeSeconds: config.waitTimeSeconds,
    visibilityTimeoutSeconds: config.visibilityTimeoutSeconds,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
  },
  `starting ${buildInfo.name} ${buildInfo.version}`,
);

process.on("uncaughtException", (error) => {
  logger.fatal({ error: { name: error.name, message: error.message, stack: error.stack } }, "uncaught exception");
  process.exit(1);
});
process.on("unhandledRejection", (reason) => {
  logger.fatal({ error: String(reason) }, "unhandled promise rejection");
  process.exit(1);
});

const app = await startConsumerApp({ config, logger, buildInfo, handler: handleMessage }).catch((error: unknown) => {
  logger.fatal({ error: String(error) }, "could not start");
  process.exit(1);
});

onStopSignal(
  (signal) => {
    const startedAt = Date.now();
    logger.info({ signal, shutdownTimeoutMs: config.shutdownTimeoutMs }, "stopping: no new receives, finishing in-flight messages");
    void app.stop().then(({ clean, abandoned }) => {
      const fields = { signal, durationMs: Date.now() - startedAt, ...app.metrics.snapshot() };
      if (clean) {
        logger.info(fields, "stopped cleanly");
        process.exit(0);
      }
      logger.error({ ...fields, abandoned }, "shutdown timeout reached; abandoned messages will be redelivered");
      process.exit(1);
    });
  },
  (signal) => logger.warn({ signal }, "already stopping"),
);
