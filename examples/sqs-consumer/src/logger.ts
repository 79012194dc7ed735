import { type DestinationStream, type Logger, pino } from "pino";
import type { LogLevel } from "./config.js";

/**
 * JSON logs, one line per event, on stdout (or `destination`): ISO timestamps and level names rather than numbers,
 * which log pipelines (CloudWatch, Loki, Elasticsearch) index without configuration.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: "sqs-consumer" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination === undefined ? pino(options, pino.destination({ dest: 1, sync: true })) : pino(options, destination);
}
