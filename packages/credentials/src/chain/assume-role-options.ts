import { hostname } from "node:os";
import type { STSClientConfig } from "@aws-sdk/client-sts";
import {
  EXTERNAL_ID_PATTERN,
  EXTERNAL_ID_RULE,
  InvalidOptionError,
  isSessionDuration,
  MAX_CHAINED_SESSION_DURATION_SECONDS,
  MIN_SESSION_DURATION_SECONDS,
  parseRoleArn,
  ROLE_ARN_EXAMPLE,
  SESSION_NAME_PATTERN,
  SESSION_NAME_RULE,
} from "@workload-identity/core";
import type { StsTimeouts } from "@workload-identity/web-identity";

/** Options of role chaining: the role the base source's credentials assume (`fromEnvironmentAware`'s `assumeRole`). */
export interface AssumeRoleOptions {
  /** The role to assume with the base credentials, e.g. `arn:aws:iam::444455556666:role/reports` in another account. */
  roleArn: string;
  /** The external id the role's trust policy requires, if it names one (`sts:ExternalId`). Not a secret. */
  externalId?: string;
  /**
   * The session name CloudTrail shows; 2–64 characters of `[\w+=,.@-]`.
   * @defaultValue this host's name (in Kubernetes, the pod's), its other characters replaced by `-`
   */
  roleSessionName?: string;
  /**
   * Lifetime of the chained session, 900–3600: STS limits sessions assumed with a role's credentials to one hour.
   * The session is also never kept past the base credentials' expiration (see the README).
   * @defaultValue 3600
   */
  durationSeconds?: number;
  /** An inline session policy (JSON) narrowing the role's permissions. */
  policy?: string;
  /**
   * Configuration of the STS client that calls AssumeRole (built at each chained refresh). Its region wins over
   * `AWS_REGION`; `AWS_ENDPOINT_URL_STS` is honoured by the client itself. Its `credentials` are ignored: the base
   * credentials sign.
   * @defaultValue `{ maxAttempts: 3 }` (the SDK's standard retries of throttling and server errors)
   */
  clientConfig?: STSClientConfig;
  /**
   * Deadlines of the AssumeRole call: `connectTimeoutMs` (default 3000) to open a connection, `timeoutMs` (default
   * 10000) for the whole call, the SDK's retries included.
   */
  stsTimeouts?: StsTimeouts;
}

/** The defaults of {@link AssumeRoleOptions}, applied. */
export interface ResolvedAssumeRoleOptions {
  readonly roleArn: string;
  readonly externalId: string | undefined;
  readonly roleSessionName: string;
  readonly durationSeconds: number;
  readonly policy: string | undefined;
  readonly clientConfig: STSClientConfig;
  readonly connectTimeoutMs: number;
  readonly timeoutMs: number;
}

/** This host's name as a session name: in a pod, the pod's name, so CloudTrail tells the pods apart. */
export function defaultChainedSessionName(host: string = hostname()): string {
  const name = host.replace(/[^\w+=,.@-]/g, "-").slice(0, 64);
  return SESSION_NAME_PATTERN.test(name) ? name : "workload-identity";
}

/** Checks the `assumeRole` option synchronously; throws a `TypeError` naming the field and its rule. */
export function validateAssumeRoleOptions(options: AssumeRoleOptions, where = "fromEnvironmentAware: assumeRole"): void {
  if (options === null || typeof options !== "object") throw new InvalidOptionError(`${where} must be an object.`);
  const { roleArn, externalId, roleSessionName, durationSeconds, policy, clientConfig, stsTimeouts } = options;
  if (typeof roleArn !== "string" || parseRoleArn(roleArn) === undefined) {
    throw new InvalidOptionError(`${where}.roleArn must be an IAM role ARN like ${ROLE_ARN_EXAMPLE}; got ${JSON.stringify(String(roleArn).slice(0, 200))}.`);
  }
  if (externalId !== undefined && (typeof externalId !== "string" || !EXTERNAL_ID_PATTERN.test(externalId))) {
    throw new InvalidOptionError(`${where}.externalId must be ${EXTERNAL_ID_RULE}.`);
  }
  if (roleSessionName !== undefined && (typeof roleSessionName !== "string" || !SESSION_NAME_PATTERN.test(roleSessionName))) {
    throw new InvalidOptionError(`${where}.roleSessionName must be ${SESSION_NAME_RULE}.`);
  }
  if (durationSeconds !== undefined && !(isSessionDuration(durationSeconds) && durationSeconds <= MAX_CHAINED_SESSION_DURATION_SECONDS)) {
    throw new InvalidOptionError(
      `${where}.durationSeconds must be an integer from ${MIN_SESSION_DURATION_SECONDS} to ${MAX_CHAINED_SESSION_DURATION_SECONDS} ` +
        `(STS limits role chaining to one hour); got ${String(durationSeconds)}.`,
    );
  }
  if (policy !== undefined && (typeof policy !== "string" || policy === "")) throw new InvalidOptionError(`${where}.policy must be a non-empty string.`);
  if (clientConfig !== undefined && (clientConfig === null || typeof clientConfig !== "object")) {
    throw new InvalidOptionError(`${where}.clientConfig must be an object (STSClientConfig).`);
  }
  for (const name of ["connectTimeoutMs", "timeoutMs"] as const) {
    const value = stsTimeouts?.[name];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new InvalidOptionError(`${where}.stsTimeouts.${name} must be a positive number of milliseconds.`);
    }
  }
}

/** The options with their defaults. */
export function resolveAssumeRoleOptions(options: AssumeRoleOptions): ResolvedAssumeRoleOptions {
  return {
    roleArn: options.roleArn,
    externalId: options.externalId,
    roleSessionName: options.roleSessionName ?? defaultChainedSessionName(),
    durationSeconds: options.durationSeconds ?? MAX_CHAINED_SESSION_DURATION_SECONDS,
    policy: options.policy,
    clientConfig: options.clientConfig ?? {},
    connectTimeoutMs: options.stsTimeouts?.connectTimeoutMs ?? 3_000,
    timeoutMs: options.stsTimeouts?.timeoutMs ?? 10_000,
  };
}
