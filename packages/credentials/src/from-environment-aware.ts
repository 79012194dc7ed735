import { rolesAnywhereSourceTimeoutMs } from "@workload-identity/roles-anywhere";
import type { AwsCredentialIdentityProvider, Logger } from "@aws-sdk/types";
import type { Environment } from "@workload-identity/core";
import { type RefreshOptions, refreshOptionsAbove, withRefresh } from "@workload-identity/refresh";
import type { AssumeRoleOptions } from "./chain/assume-role-options.js";
import { createChainedSource } from "./chain/chained-source.js";
import { NoCredentialSourceError } from "./errors.js";
import { observeRefresh } from "./observe-refresh.js";
import { registerEnvironmentSecrets } from "./redact.js";
import { type SelectionInput, type SourceDecision, selectSource } from "./select-source.js";
import { configurationKey, type SharedEntry, type SharedSourceState, sharedEntry } from "./shared-cache.js";
import { validateEnvironmentAwareInit } from "./validate-init.js";

import type { FromEnvironmentAwareInit } from "./environment-aware-init.js";

export type { FromEnvironmentAwareInit } from "./environment-aware-init.js";

const LOG_PREFIX = "@workload-identity/credentials:";

/**
 * One credential provider for laptops, EKS (IRSA and Pod Identity), clusters outside AWS and on-premises hosts.
 *
 * The source is chosen once, from the options and the environment: explicit options, then web identity
 * (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`), EKS Pod Identity (`AWS_CONTAINER_CREDENTIALS_FULL_URI` +
 * `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`), IAM Roles Anywhere (`AWS_ROLES_ANYWHERE_*`), else the SDK's default chain.
 * The chosen source is wrapped in `withRefresh` here, once. A half configuration makes every call fail with an error
 * naming the missing variable. Every call with the same options and environment in a process shares one cache, so
 * ten clients make one source call per refresh. Nothing is read or fetched until the provider is called.
 *
 * @param init - optional overrides; validated here, synchronously
 * @returns a provider to pass as `credentials` to any AWS SDK v3 client
 */
export function fromEnvironmentAware(init: FromEnvironmentAwareInit = {}): AwsCredentialIdentityProvider {
  validateEnvironmentAwareInit(init);
  return sharedProvider(init, process.env);
}

/** The process-wide provider for this configuration, composed on first use; the choice is logged then, once. */
export function sharedProvider(init: FromEnvironmentAwareInit, env: Environment): AwsCredentialIdentityProvider {
  const { entry, created } = sharedEntry(configurationKey(sharedKeyOf(init, env)), () => compose(init, env));
  if (created) logDecision(entry, init.logger);
  return entry.provider;
}

/** What makes two configurations the same: the options and the AWS_* variables (hashed, never stored). */
export function sharedKeyOf(init: FromEnvironmentAwareInit, env: Environment): unknown {
  const variables = Object.entries(env)
    .filter((entry): entry is [string, string] => entry[0].startsWith("AWS_") && entry[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { init, env: variables };
}

/** What the options ask of the selection. */
export function selectionInput(init: FromEnvironmentAwareInit): SelectionInput {
  const { webIdentity, rolesAnywhere } = init;
  return {
    ...(webIdentity !== undefined
      ? { explicit: { kind: "web-identity", options: webIdentity } }
      : rolesAnywhere !== undefined
        ? { explicit: { kind: "roles-anywhere", options: rolesAnywhere } }
        : {}),
    fallback: init.fallback === false ? false : (init.fallback ?? {}),
    podIdentity: init.podIdentity,
  } as SelectionInput;
}

/** Decides, creates the chosen (uncached) source, and applies the one cache. */
function compose(init: FromEnvironmentAwareInit, env: Environment): SharedEntry {
  const state: SharedSourceState = {};
  let decision: SourceDecision;
  try {
    decision = selectSource(selectionInput(init), env);
  } catch (caught) {
    const error = caught as Error;
    return { provider: () => Promise.reject(error), error, state };
  }
  // Another package's error message may quote a path variable that holds the secret itself (a pasted token).
  registerEnvironmentSecrets(env, [init.rolesAnywhere?.passphrase]);
  if (decision.bound === undefined) {
    const error = new NoCredentialSourceError();
    return { provider: () => Promise.reject(error), decision, state };
  }
  // Roles Anywhere's own timeoutMs may be longer than the cache's default deadline, which must then stay above it.
  const ra = init.rolesAnywhere;
  const sourceTimeoutMs = decision.source === "roles-anywhere" && ra !== undefined ? rolesAnywhereSourceTimeoutMs(ra) : undefined;
  const refresh = observeRefresh(refreshOptionsAbove(refreshOptionsOf(init), sourceTimeoutMs), state, decision.source, init.logger);
  try {
    const source = decision.bound.create({ logger: init.logger, state, proxy: init.proxy });
    const chosen = init.assumeRole === undefined ? source : chainedSource(source, init.assumeRole, init, state, decision.source);
    return { provider: withRefresh(chosen, refresh), decision, state };
  } catch (caught) {
    // Options the source refuses (an explicit option, or a value from the environment) fail every call, as a half
    // configuration does: the application starts, and the error names what to fix.
    const error = caught as Error;
    return { provider: () => Promise.reject(error), decision, state };
  }
}

/**
 * Role chaining: the chosen source under a cache of its own (its state is `state.base`, for `explain`), then STS
 * AssumeRole signed with what it serves; the caller applies the outer cache to the result.
 */
function chainedSource(
  base: AwsCredentialIdentityProvider,
  assumeRole: AssumeRoleOptions,
  init: FromEnvironmentAwareInit,
  state: SharedSourceState,
  source: string,
): AwsCredentialIdentityProvider {
  const baseState: SharedSourceState = {};
  state.base = baseState;
  const { onEvent: _, ...refresh } = refreshOptionsOf(init);
  const baseCache = withRefresh(base, observeRefresh(refresh, baseState, `${source} (base of assumeRole)`, init.logger));
  return createChainedSource(baseCache, assumeRole, init.logger);
}

/**
 * The one cache's options: an explicit source's own `refresh` wins over the top-level one, and its injected clock
 * drives the cache too unless the cache was given its own (one clock for the whole provider, as `fromTokenFile`).
 */
function refreshOptionsOf(init: FromEnvironmentAwareInit): RefreshOptions {
  const explicit = init.webIdentity ?? init.rolesAnywhere;
  const refresh = explicit?.refresh ?? init.refresh ?? {};
  if (refresh.now !== undefined) return refresh;
  const webNow = init.webIdentity?.now;
  if (webNow !== undefined) return { ...refresh, now: webNow };
  const rolesAnywhereNow = init.rolesAnywhere?.now;
  if (rolesAnywhereNow !== undefined) return { ...refresh, now: () => rolesAnywhereNow().getTime() };
  return refresh;
}

function logDecision(entry: SharedEntry, logger: Logger | undefined): void {
  if (logger === undefined) return;
  if (entry.decision === undefined) {
    logger.error(`${LOG_PREFIX} ${entry.error.message}`);
    return;
  }
  const { decision } = entry;
  logger.info(`${LOG_PREFIX} using ${decision.source}: ${decision.reason}`);
  if (decision.ignored.length > 0) logger.warn(`${LOG_PREFIX} also configured but ignored: ${decision.ignored.join(", ")}`);
  for (const warning of decision.warnings) logger.warn(`${LOG_PREFIX} ${warning}`);
}
