import type { STSClient, STSClientConfig } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, AwsIdentityProperties, Logger } from "@aws-sdk/types";
import {
  isSessionDuration,
  looksLikeSecret,
  MAX_SESSION_DURATION_SECONDS,
  MIN_SESSION_DURATION_SECONDS,
  parseRoleArn,
  ROLE_ARN_EXAMPLE,
  registerSecret,
  SESSION_NAME_RULE,
} from "@workload-identity/core";
import { type RefreshOptions, withRefresh } from "@workload-identity/refresh";
import { type CallerClientConfig, createRoleAssumer, type StsRetryOptions, type StsTimeouts } from "./assume-role.js";
import { ENV_ROLE_ARN, ENV_ROLE_SESSION_NAME, ENV_TOKEN_FILE, readEnv } from "./environment.js";
import { WebIdentityConfigurationError, WebIdentityNotConfiguredError } from "./errors.js";
import { defaultTokenFileReader, readTokenFile } from "./read-token-file.js";
import { defaultSessionName, SESSION_NAME_PATTERN } from "./session-name.js";
import { assertTokenCurrent, decodeWebIdentityToken } from "./token.js";

/** Options of {@link fromTokenFile}. Each one beats its environment variable. */
export interface FromTokenFileInit {
  /**
   * Path of the web identity token (a JWT), re-read at every refresh.
   * @defaultValue process.env.AWS_WEB_IDENTITY_TOKEN_FILE
   */
  webIdentityTokenFile?: string;
  /**
   * The role to assume.
   * @defaultValue process.env.AWS_ROLE_ARN
   */
  roleArn?: string;
  /**
   * The session name CloudTrail shows; 2–64 characters of `[\w+=,.@-]`.
   * @defaultValue process.env.AWS_ROLE_SESSION_NAME, else `NAMESPACE.SERVICEACCOUNT@xxxxxx` from the token's subject
   */
  roleSessionName?: string;
  /**
   * Lifetime of the role session, 900–43200 and at most the role's maximum session duration.
   * @defaultValue STS's default, 3600
   */
  durationSeconds?: number;
  /** An inline session policy (JSON) narrowing the role's permissions. */
  policy?: string;
  /** Managed session policies narrowing the role's permissions. */
  policyArns?: { arn: string }[];
  /**
   * Configuration of the STS client this provider builds (once, at the first refresh). Its region wins over
   * AWS_REGION; endpoint settings (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL) are resolved by the client itself.
   * @defaultValue `{ maxAttempts: 1 }` (this provider retries STS itself)
   */
  clientConfig?: STSClientConfig;
  /**
   * A ready STS client to use instead of building one; `clientConfig` is then ignored. Give it `maxAttempts: 1`:
   * its own retries would multiply with `stsRetry`.
   */
  stsClient?: STSClient;
  /** Cache and refresh windows, passed to `withRefresh`. */
  refresh?: RefreshOptions;
  /** Receives one line per refresh and per retry; never a token or a credential. */
  logger?: Logger;
  /** Retries of STS failures inside one refresh. */
  stsRetry?: StsRetryOptions;
  /**
   * Deadlines of each STS call: `connectTimeoutMs` (default 3000) to open the connection, `timeoutMs` (default 5000)
   * for the whole call. With the default retries a refresh gives up within about 22 s, under `withRefresh`'s
   * `refreshTimeoutMs`. A `clientConfig.requestHandler` of your own replaces the connect timeout, not the deadline.
   */
  stsTimeouts?: StsTimeouts;
  /**
   * The clock, in milliseconds since the epoch: checks the token's `exp` and `nbf`, and drives the cache unless
   * `refresh.now` is set, so one injected clock governs the whole provider.
   * @defaultValue refresh.now, else Date.now
   */
  now?: () => number;
  /**
   * How to wait between retries. For tests.
   * @defaultValue a setTimeout promise
   */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Reads the token file. For tests.
   * @defaultValue fs.promises.readFile(path, "utf8")
   */
  readFile?: (path: string) => Promise<string>;
}

/**
 * Credentials for a workload whose identity is a token file: EKS IRSA, or any cluster whose service-account issuer
 * the account trusts. Exchanges the kubelet-projected JWT at STS with AssumeRoleWithWebIdentity, re-reading the file
 * at every refresh, and caches the credentials with `withRefresh`.
 *
 * Validates `init` now; reads the environment, the file and calls STS only when the provider is called.
 *
 * @example
 * ```ts
 * new SQSClient({ credentials: fromTokenFile() });
 * ```
 */
export function fromTokenFile(init: FromTokenFileInit = {}): AwsCredentialIdentityProvider {
  validateInit(init);
  const now = init.now ?? init.refresh?.now ?? Date.now;
  const random = init.refresh?.random ?? Math.random;
  const sleep = init.sleep ?? defaultTokenFileReader.sleep;
  const reader = { readFile: init.readFile ?? defaultTokenFileReader.readFile, sleep };
  let callerClientConfig: CallerClientConfig | undefined;
  const assumeRole = createRoleAssumer({
    clientConfig: init.clientConfig,
    stsClient: init.stsClient,
    timeouts: {
      connectTimeoutMs: init.stsTimeouts?.connectTimeoutMs ?? 3_000,
      timeoutMs: init.stsTimeouts?.timeoutMs ?? 5_000,
    },
    retry: {
      maxAttempts: init.stsRetry?.maxAttempts ?? 4,
      invalidIdentityTokenMaxAttempts: init.stsRetry?.invalidIdentityTokenMaxAttempts ?? 3,
      baseDelayMs: init.stsRetry?.baseDelayMs ?? 200,
      maxDelayMs: init.stsRetry?.maxDelayMs ?? 5_000,
    },
    logger: init.logger,
    sleep,
    random,
    callerClientConfig: () => callerClientConfig,
  });
  let generatedSessionName: { subject: string | undefined; name: string } | undefined;

  const source = async (): Promise<AwsCredentialIdentity> => {
    const tokenFile = init.webIdentityTokenFile ?? readEnv(ENV_TOKEN_FILE);
    const roleArn = init.roleArn ?? readEnv(ENV_ROLE_ARN);
    if (tokenFile === undefined && roleArn === undefined) throw new WebIdentityNotConfiguredError();
    if (tokenFile === undefined || roleArn === undefined) {
      const missing = tokenFile === undefined ? `${ENV_TOKEN_FILE} (or webIdentityTokenFile)` : `${ENV_ROLE_ARN} (or roleArn)`;
      throw new WebIdentityConfigurationError(
        "WEB_IDENTITY_INCOMPLETE_CONFIGURATION",
        `Web identity is half configured: ${missing} is not set. Set it, or unset the other one to use another credential source.`,
      );
    }
    // The same checks as for the options, naming the variable the value came from.
    if (init.roleArn === undefined && parseRoleArn(roleArn) === undefined) {
      throw new WebIdentityConfigurationError(
        "WEB_IDENTITY_INVALID_CONFIGURATION",
        `${ENV_ROLE_ARN} ${JSON.stringify(roleArn.slice(0, 200))} is not an IAM role ARN: set it to one like ${ROLE_ARN_EXAMPLE}.`,
      );
    }
    const configuredSessionName = init.roleSessionName ?? readEnv(ENV_ROLE_SESSION_NAME);
    if (configuredSessionName !== undefined && !SESSION_NAME_PATTERN.test(configuredSessionName)) {
      throw new WebIdentityConfigurationError(
        "WEB_IDENTITY_INVALID_CONFIGURATION",
        `${ENV_ROLE_SESSION_NAME} ${JSON.stringify(configuredSessionName.slice(0, 200))} is not a valid session name: use ${SESSION_NAME_RULE}.`,
      );
    }

    if (looksLikeSecret(tokenFile)) {
      // The token itself pasted where its path belongs: say so without echoing it anywhere.
      registerSecret(tokenFile);
      throw new WebIdentityConfigurationError(
        "WEB_IDENTITY_INVALID_CONFIGURATION",
        `${ENV_TOKEN_FILE} (or webIdentityTokenFile) holds what looks like a token, not a path. Set it to the path of the token file, e.g. /var/run/secrets/eks.amazonaws.com/serviceaccount/token.`,
      );
    }
    const token = await readTokenFile(tokenFile, reader);
    registerSecret(token);
    const claims = decodeWebIdentityToken(token, tokenFile);
    assertTokenCurrent(claims, now(), tokenFile);
    let roleSessionName = configuredSessionName;
    if (roleSessionName === undefined) {
      if (generatedSessionName === undefined || generatedSessionName.subject !== claims.subject) {
        generatedSessionName = { subject: claims.subject, name: defaultSessionName(claims.subject, random) };
      }
      roleSessionName = generatedSessionName.name;
    }

    const credentials = await assumeRole({
      RoleArn: roleArn,
      RoleSessionName: roleSessionName,
      WebIdentityToken: token,
      DurationSeconds: init.durationSeconds,
      Policy: init.policy,
      PolicyArns: init.policyArns,
    });
    init.logger?.debug?.(
      `web-identity: assumed ${roleArn} as ${roleSessionName} (sub=${claims.subject ?? "(none)"}) until ${credentials.expiration?.toISOString() ?? "(no expiration)"}`,
    );
    return credentials;
  };

  const cached = withRefresh(
    source,
    init.now !== undefined && init.refresh?.now === undefined ? { ...init.refresh, now: init.now } : init.refresh,
  );
  return (properties?: AwsIdentityProperties & { forceRefresh?: boolean }) => {
    // withRefresh calls the source without arguments: keep the caller's config for the STS client's region.
    if (callerClientConfig === undefined && properties?.callerClientConfig !== undefined) {
      callerClientConfig = properties.callerClientConfig;
    }
    return cached(properties);
  };
}

function validateInit(init: FromTokenFileInit): void {
  if (init === null || typeof init !== "object") throw new TypeError("fromTokenFile: init must be an object.");
  for (const name of ["webIdentityTokenFile", "roleArn", "roleSessionName", "policy"] as const) {
    const value = init[name];
    if (value !== undefined && (typeof value !== "string" || value === "")) {
      throw new TypeError(`fromTokenFile: ${name} must be a non-empty string.`);
    }
  }
  if (init.roleArn !== undefined && parseRoleArn(init.roleArn) === undefined) {
    throw new TypeError(`fromTokenFile: roleArn must look like ${ROLE_ARN_EXAMPLE}; got ${JSON.stringify(init.roleArn.slice(0, 200))}.`);
  }
  if (init.roleSessionName !== undefined && !SESSION_NAME_PATTERN.test(init.roleSessionName)) {
    throw new TypeError(`fromTokenFile: roleSessionName must be ${SESSION_NAME_RULE}.`);
  }
  const duration = init.durationSeconds;
  if (duration !== undefined && !isSessionDuration(duration)) {
    throw new TypeError(
      `fromTokenFile: durationSeconds must be an integer from ${MIN_SESSION_DURATION_SECONDS} to ${MAX_SESSION_DURATION_SECONDS}; got ${String(duration)}.`,
    );
  }
  if (init.policyArns !== undefined && (!Array.isArray(init.policyArns) || init.policyArns.some((p) => typeof p?.arn !== "string"))) {
    throw new TypeError("fromTokenFile: policyArns must be an array of { arn: string }.");
  }
  const retry = init.stsRetry ?? {};
  for (const name of ["maxAttempts", "invalidIdentityTokenMaxAttempts"] as const) {
    const value = retry[name];
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw new TypeError(`fromTokenFile: stsRetry.${name} must be an integer of 1 or more.`);
    }
  }
  for (const name of ["baseDelayMs", "maxDelayMs"] as const) {
    const value = retry[name];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new TypeError(`fromTokenFile: stsRetry.${name} must be a finite number of milliseconds, 0 or more.`);
    }
  }
  for (const name of ["connectTimeoutMs", "timeoutMs"] as const) {
    const value = init.stsTimeouts?.[name];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
      throw new TypeError(`fromTokenFile: stsTimeouts.${name} must be a positive number of milliseconds.`);
    }
  }
  for (const name of ["now", "sleep", "readFile"] as const) {
    if (init[name] !== undefined && typeof init[name] !== "function") throw new TypeError(`fromTokenFile: ${name} must be a function.`);
  }
}
