import {
  ENV_DEFAULT_REGION,
  ENV_REGION,
  EXTERNAL_ID_PATTERN,
  EXTERNAL_ID_RULE,
  isRegion,
  parseRoleArn,
  readEnv,
} from "@workload-identity/credentials";
import type { ConfigProblem } from "./errors.js";
import { ConfigError } from "./errors.js";

/** Log levels accepted in `LOG_LEVEL` (pino's). */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Role chaining: the role the pod's credentials assume before calling SQS (`fromEnvironmentAware`'s `assumeRole`). */
export interface AssumeRoleConfig {
  /** `ASSUME_ROLE_ARN`: role B, whose trust policy names the pod's role. */
  readonly roleArn: string;
  /** `ASSUME_ROLE_EXTERNAL_ID`: the `sts:ExternalId` role B's trust policy requires, if it names one. */
  readonly externalId?: string;
}

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
  /** `VISIBILITY_TIMEOUT` in seconds, 1–43200; sqs-consumer's heartbeat extends it every third of it. @defaultValue 30 */
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
  /** `ASSUME_ROLE_ARN` (+ `ASSUME_ROLE_EXTERNAL_ID`): role chaining, when set. @defaultValue none */
  readonly assumeRole?: AssumeRoleConfig;
}

/** The environment variables read by {@link loadConfig}. */
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

/** Reads variables with the one rule of `readEnv` (blank is unset) and collects every problem found. */
interface EnvReader {
  readonly problems: ConfigProblem[];
  text(name: string): string | undefined;
  /** Records a problem with `variable`; returns `fallback`, so reading goes on and every problem is listed. */
  bad<T>(variable: string, problem: string, fallback: T): T;
  integer(name: string, min: number, max: number, fallback: number): number;
}

function envReader(env: ConfigEnv): EnvReader {
  const problems: ConfigProblem[] = [];
  const reader: EnvReader = {
    problems,
    text: (name) => readEnv(name, env)?.trim(),
    bad(variable, problem, fallback) {
      problems.push({ variable, problem });
      return fallback;
    },
    integer(name, min, max, fallback) {
      const raw = reader.text(name);
      if (raw === undefined) return fallback;
      const value = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN;
      if (Number.isSafeInteger(value) && value >= min && value <= max) return value;
      return reader.bad(name, `must be a whole number from ${min} to ${max} (got "${raw}")`, fallback);
    },
  };
  return reader;
}

/**
 * Reads and validates the consumer's settings once, at start.
 *
 * @param env - the environment, `process.env` in production
 * @returns the settings with defaults applied
 * @throws {@link ConfigError} listing every bad or missing value, in the order the README documents them
 */
export function loadConfig(env: ConfigEnv): ConsumerConfig {
  const read = envReader(env);
  const queue = readQueue(read);
  const probe = readProbeAddress(read);
  const limits = {
    concurrency: read.integer("CONCURRENCY", 1, 100, 1),
    batchSize: read.integer("BATCH_SIZE", 1, 10, 10),
    waitTimeSeconds: read.integer("WAIT_TIME_SECONDS", 0, 20, 20),
    visibilityTimeoutSeconds: read.integer("VISIBILITY_TIMEOUT", 1, 43_200, 30),
    shutdownTimeoutMs: read.integer("SHUTDOWN_TIMEOUT_MS", 0, 3_600_000, 25_000),
  };
  const logLevel = readLogLevel(read);
  const assumeRole = readAssumeRole(read);
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return {
    ...queue,
    probeHost: probe.host,
    probePort: probe.port,
    ...limits,
    logLevel,
    endpointOverridden: endpointOverridden(read),
    ...(assumeRole === undefined ? {} : { assumeRole }),
  };
}

function readQueue(read: EnvReader): { queueUrl: string; region: string } {
  const queueUrl = read.text("QUEUE_URL") ?? read.bad("QUEUE_URL", "is required: the URL of the queue to consume", "");
  if (queueUrl !== "" && !isHttpUrl(queueUrl)) {
    read.bad("QUEUE_URL", "must be an http(s) URL such as https://sqs.eu-west-1.amazonaws.com/123456789012/orders", "");
  }
  const region =
    read.text(ENV_REGION) ??
    read.text(ENV_DEFAULT_REGION) ??
    read.bad(ENV_REGION, `is required (or ${ENV_DEFAULT_REGION}): the region of the queue and of STS`, "");
  if (region !== "" && !isRegion(region)) read.bad(ENV_REGION, `must be a region name such as eu-west-1 (got "${region}")`, "");
  return { queueUrl, region };
}

function readProbeAddress(read: EnvReader): { host: string; port: number } {
  const probe = parseAddress(read.text("STATUS_PROBE_ADDR") ?? "0.0.0.0:8080");
  return probe ?? read.bad("STATUS_PROBE_ADDR", "must be HOST:PORT such as 0.0.0.0:8080 or [::]:8080", { host: "", port: 0 });
}

function readLogLevel(read: EnvReader): LogLevel {
  const level = read.text("LOG_LEVEL")?.toLowerCase() ?? "info";
  if ((LOG_LEVELS as readonly string[]).includes(level)) return level as LogLevel;
  return read.bad("LOG_LEVEL", `must be one of ${LOG_LEVELS.join(", ")} (got "${level}")`, "info");
}

/** The same rules as `fromEnvironmentAware({ assumeRole })` (core's), checked here so a bad value stops the start. */
function readAssumeRole(read: EnvReader): AssumeRoleConfig | undefined {
  const roleArn = read.text("ASSUME_ROLE_ARN");
  const externalId = read.text("ASSUME_ROLE_EXTERNAL_ID");
  if (roleArn !== undefined && parseRoleArn(roleArn) === undefined) {
    read.bad("ASSUME_ROLE_ARN", `must be an IAM role ARN such as arn:aws:iam::444455556666:role/reports (got "${roleArn}")`, undefined);
  }
  if (externalId !== undefined && !EXTERNAL_ID_PATTERN.test(externalId)) {
    read.bad("ASSUME_ROLE_EXTERNAL_ID", `must be ${EXTERNAL_ID_RULE}`, undefined);
  }
  if (externalId !== undefined && roleArn === undefined) {
    read.bad("ASSUME_ROLE_EXTERNAL_ID", "is set without ASSUME_ROLE_ARN: an external id is only sent when assuming that role", undefined);
  }
  if (roleArn === undefined) return undefined;
  return externalId === undefined ? { roleArn } : { roleArn, externalId };
}

/** The SDK's own rule: an endpoint override applies unless `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` is true. */
function endpointOverridden(read: EnvReader): boolean {
  if (read.text("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")?.toLowerCase() === "true") return false;
  return read.text("AWS_ENDPOINT_URL_SQS") !== undefined || read.text("AWS_ENDPOINT_URL") !== undefined;
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
