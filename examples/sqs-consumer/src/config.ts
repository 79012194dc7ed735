import type { ConfigProblem } from "./errors.js";
import { ConfigError } from "./errors.js";

/** Log levels accepted in `LOG_LEVEL` (pino's). */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The consumer's settings, validated. Units are in the names. */
export interface ConsumerConfig {
  /** `QUEUE_URL`: the queue to consume (required). */
  readonly queueUrl: string;
  /** `AWS_REGION`, else `AWS_DEFAULT_REGION` (required: no silent default region). */
  readonly region: string;
  /** `STATUS_PROBE_ADDR` host part. @defaultValue "0.0.0.0" */
  readonly probeHost: string;
  /** `STATUS_PROBE_ADDR` port part (0 picks a free port). @defaultValue 8080 */
  readonly probePort: number;
  /** `CONCURRENCY`: independent receive loops; each handles one batch at a time. @defaultValue 1 */
  readonly concurrency: number;
  /** `BATCH_SIZE`: messages per receive, 1–10. @defaultValue 10 */
  readonly batchSize: number;
  /** `WAIT_TIME_SECONDS`: long-poll wait, 0–20. @defaultValue 20 */
  readonly waitTimeSeconds: number;
  /** `VISIBILITY_TIMEOUT` in seconds, 1–43200; the heartbeat extends it every third of it. @defaultValue 30 */
  readonly visibilityTimeoutSeconds: number;
  /** `SHUTDOWN_TIMEOUT_MS`: how long in-flight handlers get after a stop signal. @defaultValue 25000 */
  readonly shutdownTimeoutMs: number;
  /** `LOG_LEVEL`. @defaultValue "info" */
  readonly logLevel: LogLevel;
  /**
   * Whether `AWS_ENDPOINT_URL_SQS` or `AWS_ENDPOINT_URL` overrides the SQS endpoint. The SDK applies the override
   * itself; the client must then stop sending each call to the queue URL's host instead.
   */
  readonly endpointOverridden: boolean;
}

/** The environment variables read by {@link loadConfig}. */
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates the consumer's settings once, at start.
 *
 * @param env - the environment, `process.env` in production
 * @returns the settings with defaults applied
 * @throws {@link ConfigError} listing every bad or missing value
 */
export function loadConfig(env: ConfigEnv): ConsumerConfig {
  const problems: ConfigProblem[] = [];
  const bad = (variable: string, problem: string): undefined => {
    problems.push({ variable, problem });
    return undefined;
  };
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const integer = (name: string, min: number, max: number, fallback: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      bad(name, `must be a whole number from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };

  const queueUrl = text("QUEUE_URL") ?? bad("QUEUE_URL", "is required: the URL of the queue to consume");
  if (queueUrl !== undefined && !isHttpUrl(queueUrl)) {
    bad("QUEUE_URL", `must be an http(s) URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/orders`);
  }
  const region =
    text("AWS_REGION") ??
    text("AWS_DEFAULT_REGION") ??
    bad("AWS_REGION", "is required (or AWS_DEFAULT_REGION): the region of the queue and of STS");
  if (region !== undefined && !/^[a-z]{2}(-[a-z0-9]+)+-\d+$/.test(region)) {
    bad("AWS_REGION", `must be a region name such as eu-west-1 (got "${region}")`);
  }

  const probe = parseAddress(text("STATUS_PROBE_ADDR") ?? "0.0.0.0:8080");
  if (probe === undefined) bad("STATUS_PROBE_ADDR", `must be HOST:PORT such as 0.0.0.0:8080 or [::]:8080`);

  const concurrency = integer("CONCURRENCY", 1, 100, 1);
  const batchSize = integer("BATCH_SIZE", 1, 10, 10);
  const waitTimeSeconds = integer("WAIT_TIME_SECONDS", 0, 20, 20);
  const visibilityTimeoutSeconds = integer("VISIBILITY_TIMEOUT", 1, 43_200, 30);
  const shutdownTimeoutMs = integer("SHUTDOWN_TIMEOUT_MS", 0, 3_600_000, 25_000);

  const levelText = text("LOG_LEVEL")?.toLowerCase() ?? "info";
  const logLevel = (LOG_LEVELS as readonly string[]).includes(levelText) ? (levelText as LogLevel) : undefined;
  if (logLevel === undefined) bad("LOG_LEVEL", `must be one of ${LOG_LEVELS.join(", ")} (got "${levelText}")`);

  const ignoreEndpoints = text("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.toLowerCase() === "true";
  const endpointOverridden =
    !ignoreEndpoints && (text("AWS_ENDPOINT_URL_SQS") !== undefined || text("AWS_ENDPOINT_URL") !== undefined);

  if (problems.length > 0 || queueUrl === undefined || region === undefined || probe === undefined) {
    throw new ConfigError(problems);
  }
  return {
    queueUrl,
    region,
    probeHost: probe.host,
    probePort: probe.port,
    concurrency,
    batchSize,
    waitTimeSeconds,
    visibilityTimeoutSeconds,
    shutdownTimeoutMs,
    logLevel: logLevel ?? "info",
    endpointOverridden,
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "https:" || url.protocol === "http:") && url.pathname.length > 1;
  } catch {
    return false;
  }
}

/** Parses `HOST:PORT` or `[IPV6]:PORT`. */
export function parseAddress(value: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  if (match === null) return undefined;
  const host = match[1] ?? match[2];
  const port = Number(match[3]);
  if (host === undefined || port > 65_535) return undefined;
  return { host, port };
}
