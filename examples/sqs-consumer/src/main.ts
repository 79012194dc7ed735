// The consumer's entry point: configuration, logs, probes, the receive loops, and a graceful stop on signals.
import { type ConsumerApp, startConsumerApp } from "./app.js";
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
    ...(config.assumeRole === undefined ? {} : { assumeRoleArn: config.assumeRole.roleArn }),
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

// Signals are handled from here on, even during startup: a pod may be stopped before it ever got ready.
let app: ConsumerApp | undefined;
let requested: NodeJS.Signals | undefined;
const shutdown = (signal: NodeJS.Signals, running: ConsumerApp): void => {
  const startedAt = Date.now();
  logger.info(
    { signal, shutdownTimeoutMs: config.shutdownTimeoutMs },
    "stopping: no new receives, finishing in-flight messages",
  );
  void running.stop().then(({ clean, abandoned, returned }) => {
    const fields = { signal, durationMs: Date.now() - startedAt, ...running.metrics.snapshot() };
    if (clean) {
      logger.info(fields, "stopped cleanly");
      process.exit(0);
    }
    logger.error(
      { ...fields, abandoned, returned },
      "shutdown timeout reached; unfinished messages were not deleted and go back to the queue",
    );
    process.exit(1);
  });
};
onStopSignal(
  (signal) => {
    requested = signal;
    if (app !== undefined) shutdown(signal, app);
  },
  (signal) => logger.warn({ signal }, "already stopping"),
);

app = await startConsumerApp({ config, logger, buildInfo, handler: handleMessage }).catch((error: unknown) => {
  logger.fatal({ error: String(error) }, "could not start");
  process.exit(1);
});
if (requested !== undefined) shutdown(requested, app);
