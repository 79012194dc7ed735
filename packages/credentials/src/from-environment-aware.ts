import { readFile } from "node:fs/promises";
import type { AwsCredentialIdentityProvider, Logger } from "@aws-sdk/types";
import { type RefreshOptions, withRefresh } from "@workload-identity/refresh";
import type { FromRolesAnywhereInit } from "@workload-identity/roles-anywhere";
import type { FromTokenFileInit } from "@workload-identity/web-identity";
import { ENV_ROLE_ARN, ENV_WEB_IDENTITY_TOKEN_FILE, type Environment } from "./env.js";
import { describeCause, HalfConfiguredError, NoCredentialSourceError, PassphraseFileError } from "./errors.js";
import { lazyProvider } from "./lazy-provider.js";
import { registerEnvironmentSecrets } from "./redact.js";
import { type PodIdentityOptions, podIdentitySource, validatePodIdentityOptions } from "./pod-identity.js";
import { type RolesAnywhereEnvConfig, type SourceDecision, selectSource } from "./select-source.js";
import { type SdkChainOptions, sdkChainSource } from "./sdk-chain.js";
import { configurationKey, type SharedEntry, type SharedSourceState, sharedEntry } from "./shared-cache.js";

/** Options of {@link fromEnvironmentAware}. Everything is optional: the environment decides. */
export interface FromEnvironmentAwareInit {
  /**
   * Use web identity with these options, whatever the environment says (source `explicit`). Missing fields are read
   * from the environment by `fromTokenFile`. Validated by `fromTokenFile` at the first call.
   */
  webIdentity?: FromTokenFileInit;
  /** Use IAM Roles Anywhere with these options, whatever the environment says (source `explicit`). */
  rolesAnywhere?: FromRolesAnywhereInit;
  /**
   * What to do when no workload identity is configured: use the AWS SDK's default chain (with these options), or
   * `false` to fail with `NO_CREDENTIAL_SOURCE` instead (for production images that must never use a node role or
   * a developer's keys).
   * @defaultValue `{}` (the SDK chain)
   */
  fallback?: false | SdkChainOptions;
  /** Timeouts and retries of EKS Pod Identity agent requests. */
  podIdentity?: PodIdentityOptions;
  /** Cache and refresh windows, applied to whichever source is chosen (exactly one cache). */
  refresh?: RefreshOptions;
  /** Receives the choice (once, at `info`), refresh failures (`warn`) and the SDK's debug lines. @defaultValue none */
  logger?: Logger;
}

const LOG_PREFIX = "@workload-identity/credentials:";

/**
 * One credential provider for laptops, EKS (IRSA and Pod Identity), clusters outside AWS and on-premises hosts.
 *
 * The source is chosen once, from the options and the environment: explicit options, then web identity
 * (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`), EKS Pod Identity (`AWS_CONTAINER_CREDENTIALS_FULL_URI` +
 * `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`), IAM Roles Anywhere (`AWS_ROLES_ANYWHERE_*`), else the SDK's default chain.
 * A half configuration makes every call fail with an error naming the missing variable. Every call with the same
 * options and environment in a process shares one cache, so ten clients make one source call per refresh.
 * Nothing is loaded or fetched until the provider is called.
 *
 * @param init - optional overrides; validated here, synchronously
 * @returns a provider to pass as `credentials` to any AWS SDK v3 client
 */
export function fromEnvironmentAware(init: FromEnvironmentAwareInit = {}): AwsCredentialIdentityProvider {
  validateInit(init);
  return prepareSource(init, process.env).provider;
}

/** The outcome of preparing a source, for `fromEnvironmentAware` and `explain`. */
export interface PreparedSource {
  readonly provider: AwsCredentialIdentityProvider;
  /** The decided source and what is known about it; absent when the configuration is half done. */
  readonly entry?: SharedEntry & { readonly decision: SourceDecision };
  /** The half-configuration (or invalid value) error, if any. */
  readonly error?: Error;
}

/**
 * Decides the source and returns the process-wide provider for this configuration, creating it on first use. The
 * choice, or the half configuration that prevents one, is logged once per configuration.
 */
export function prepareSource(init: FromEnvironmentAwareInit, env: Environment): PreparedSource {
  const key = configurationKey({ init, env: awsVariables(env) });
  const { entry, created } = sharedEntry(key, () => createEntry(init, env));
  if (entry.decision === undefined) {
    if (created) init.logger?.error(`${LOG_PREFIX} ${entry.error.message}`);
    return { provider: entry.provider, error: entry.error };
  }
  if (created) logChoice(entry.decision, init.logger);
  return { provider: entry.provider, entry };
}

function createEntry(init: FromEnvironmentAwareInit, env: Environment): SharedEntry {
  const explicit =
    init.webIdentity !== undefined ? "web-identity" : init.rolesAnywhere !== undefined ? "roles-anywhere" : undefined;
  const state: SharedSourceState = {};
  let decision: SourceDecision;
  try {
    decision = selectSource({ ...(explicit === undefined ? {} : { explicit }), fallback: init.fallback !== false }, env);
  } catch (caught) {
    const error = caught as Error;
    return { provider: () => Promise.reject(error), error, state };
  }
  const { logger } = init;
  // Another package's error message may quote a path variable that holds the secret itself (a pasted token).
  registerEnvironmentSecrets(env, [init.rolesAnywhere?.passphrase]);
  const tapped = (options: RefreshOptions | undefined) => tapRefresh(options, state, decision.source, logger);
  let provider: AwsCredentialIdentityProvider;
  switch (decision.source) {
    case "explicit":
      provider =
        decision.explicit === "web-identity"
          ? lazyProvider(async () => {
              const options = init.webIdentity as FromTokenFileInit;
              assertExplicitWebIdentityComplete(options, process.env);
              const { fromTokenFile } = await import("@workload-identity/web-identity");
              return fromTokenFile({ ...withLogger(options, logger), refresh: tapped(options.refresh ?? init.refresh) });
            })
          : lazyProvider(async () => {
              const options = init.rolesAnywhere as FromRolesAnywhereInit;
              const { fromRolesAnywhere } = await import("@workload-identity/roles-anywhere");
              return fromRolesAnywhere({ ...withLogger(options, logger), refresh: tapped(options.refresh ?? init.refresh) });
            });
      break;
    case "web-identity": {
      const { config } = decision;
      provider = lazyProvider(async () => {
        const { fromTokenFile } = await import("@workload-identity/web-identity");
        return fromTokenFile({ ...withLogger(config, logger), refresh: tapped(init.refresh) });
      });
      break;
    }
    case "pod-identity":
      provider = withRefresh(podIdentitySource(decision.config, init.podIdentity, logger), tapped(init.refresh));
      break;
    case "roles-anywhere": {
      const { config } = decision;
      provider = lazyProvider(async () => {
        const options = await rolesAnywhereInit(config);
        const { fromRolesAnywhere } = await import("@workload-identity/roles-anywhere");
        return fromRolesAnywhere({ ...withLogger(options, logger), refresh: tapped(init.refresh) });
      });
      break;
    }
    case "sdk-chain":
      provider = withRefresh(sdkChainSource(init.fallback || {}, state, logger), tapped(init.refresh));
      break;
    case "none": {
      const error = new NoCredentialSourceError();
      provider = () => Promise.reject(error);
      break;
    }
  }
  return { provider, decision, state };
}

/**
 * The `webIdentity` option asks for web identity whatever else is configured, so what it lacks is an error that stops
 * a chain (`fromTokenFile`'s "not configured" would let an outer chain move on to other credentials).
 */
function assertExplicitWebIdentityComplete(options: FromTokenFileInit, env: Environment): void {
  const missing = [
    options.webIdentityTokenFile ?? env[ENV_WEB_IDENTITY_TOKEN_FILE] ? undefined : `${ENV_WEB_IDENTITY_TOKEN_FILE} (or webIdentity.webIdentityTokenFile)`,
    options.roleArn ?? env[ENV_ROLE_ARN] ? undefined : `${ENV_ROLE_ARN} (or webIdentity.roleArn)`,
  ].filter((name): name is string => name !== undefined);
  if (missing.length > 0) throw new HalfConfiguredError("web-identity", ["the webIdentity option"], missing);
}

/** Builds `fromRolesAnywhere` options from the environment, reading the passphrase file if one is named. */
export async function rolesAnywhereInit(config: RolesAnywhereEnvConfig): Promise<FromRolesAnywhereInit> {
  let passphrase: string | undefined;
  if (config.passphraseFile !== undefined) {
    try {
      passphrase = (await readFile(config.passphraseFile, "utf8")).replace(/\r?\n$/, "");
    } catch (error) {
      throw new PassphraseFileError(config.passphraseFile, error);
    }
  }
  return {
    certificate: config.certificate,
    privateKey: config.privateKey,
    trustAnchorArn: config.trustAnchorArn,
    profileArn: config.profileArn,
    roleArn: config.roleArn,
    ...(config.certificateChain === undefined ? {} : { certificateChain: config.certificateChain }),
    ...(config.durationSeconds === undefined ? {} : { durationSeconds: config.durationSeconds }),
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(passphrase === undefined ? {} : { passphrase }),
  };
}

function withLogger<T extends object>(options: T & { logger?: Logger }, logger: Logger | undefined): T & { logger?: Logger } {
  return options.logger !== undefined || logger === undefined ? options : { ...options, logger };
}

/** Chains our observer in front of the caller's: it records the expiration for `explain` and logs failures. */
function tapRefresh(
  options: RefreshOptions | undefined,
  state: SharedSourceState,
  source: string,
  logger: Logger | undefined,
): RefreshOptions {
  const onEvent = options?.onEvent;
  const now = options?.now ?? Date.now;
  return {
    ...options,
    onEvent: (event) => {
      if (event.type === "refreshed") {
        state.expiration = event.expiration ?? null;
        state.resolvedAt = new Date(now());
      } else if (event.type === "refresh-failed") {
        logger?.warn(
          `${LOG_PREFIX} ${source} refresh failed (${event.consecutiveFailures} in a row; next attempt after ` +
            `${event.nextAttemptAt.toISOString()}): ${describeCause(event.error)}`,
        );
      } else if (event.type === "stale-credentials-served") {
        logger?.warn(`${LOG_PREFIX} ${source} serving cached credentials until ${event.expiration?.toISOString() ?? "—"}`);
      }
      onEvent?.(event);
    },
  };
}

function logChoice(decision: SourceDecision, logger: Logger | undefined): void {
  if (logger === undefined) return;
  logger.info(`${LOG_PREFIX} using ${decision.source}: ${decision.reason}`);
  if (decision.ignored.length > 0) {
    logger.warn(`${LOG_PREFIX} also configured but ignored: ${decision.ignored.join(", ")}`);
  }
  for (const warning of decision.warnings) logger.warn(`${LOG_PREFIX} ${warning}`);
}

/** The variables that can change what a source does; part of the shared cache key (hashed, never stored). */
function awsVariables(env: Environment): [string, string][] {
  return Object.entries(env)
    .filter((entry): entry is [string, string] => entry[0].startsWith("AWS_") && entry[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function validateInit(init: FromEnvironmentAwareInit): void {
  if (init === null || typeof init !== "object") throw new TypeError("fromEnvironmentAware: init must be an object.");
  if (init.webIdentity !== undefined && init.rolesAnywhere !== undefined) {
    throw new TypeError("fromEnvironmentAware: give webIdentity or rolesAnywhere, not both.");
  }
  for (const name of ["webIdentity", "rolesAnywhere", "podIdentity", "refresh"] as const) {
    const value = init[name];
    if (value !== undefined && (value === null || typeof value !== "object")) {
      throw new TypeError(`fromEnvironmentAware: ${name} must be an object.`);
    }
  }
  if (init.fallback !== undefined && init.fallback !== false && (init.fallback === null || typeof init.fallback !== "object")) {
    throw new TypeError("fromEnvironmentAware: fallback must be false or an object of SDK chain options.");
  }
  if (init.fallback) {
    const { timeoutMs, maxRetries } = init.fallback;
    if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw new TypeError(`fromEnvironmentAware: fallback.timeoutMs must be a positive number of milliseconds; got ${String(timeoutMs)}.`);
    }
    if (maxRetries !== undefined && !(Number.isInteger(maxRetries) && maxRetries >= 0)) {
      throw new TypeError(`fromEnvironmentAware: fallback.maxRetries must be a whole number, 0 or more; got ${String(maxRetries)}.`);
    }
  }
  const { logger } = init;
  if (logger !== undefined) {
    for (const level of ["debug", "info", "warn", "error"] as const) {
      if (typeof logger[level] !== "function") {
        throw new TypeError(`fromEnvironmentAware: logger.${level} must be a function (the SDK's Logger shape).`);
      }
    }
  }
  validatePodIdentityOptions(init.podIdentity);
  // Throws a TypeError naming the bad refresh option now, not at the first call of a lazily loaded source.
  withRefresh(() => Promise.reject(new Error("unused")), init.refresh);
}
