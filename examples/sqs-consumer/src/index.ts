// The example's public entry: what the tests and the benchmark start the consumer with (src/main.ts is the process).
export { type ConsumerApp, type ConsumerAppOptions, startConsumerApp } from "./app.js";
export { type MessageHandler, type MessageHandlerContext, RETURN_ON_TIMEOUT_MS } from "./batch-handler.js";
export { type BuildInfo, readBuildInfo } from "./build-info.js";
export {
  type AssumeRoleConfig,
  type ConfigEnv,
  type ConsumerConfig,
  LOG_LEVELS,
  type LogLevel,
  loadConfig,
  parseAddress,
} from "./config.js";
export { ConfigError, type ConfigProblem } from "./errors.js";
export { handleMessage } from "./handler.js";
export type { Health, LoopPhase, ProbeResult } from "./health.js";
export { createLogger } from "./logger.js";
export { CREDENTIAL_RECOVERY_EVENT_TYPES, Metrics } from "./metrics.js";
export { RECEIVE_ERROR_PAUSE_MS, STOP_CHECK_INTERVAL_MS, type StopResult } from "./queue-consumers.js";
export type { CredentialProvider, CredentialsFactory } from "./sqs-client.js";
