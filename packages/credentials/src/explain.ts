import { redactValue } from "@workload-identity/core";
import {
  ENV_RA_CERTIFICATE,
  ENV_RA_CERTIFICATE_CHAIN,
  ENV_RA_PRIVATE_KEY,
  type Environment,
  PRINTABLE_VARIABLES,
} from "./env.js";
import { type AssumeRoleOptions, resolveAssumeRoleOptions } from "./chain/assume-role-options.js";
import { errorMessage } from "./errors.js";
import type { ExplainedVariable, Explanation } from "./explanation.js";
import {
  type FromEnvironmentAwareInit,
  selectionInput,
  sharedKeyOf,
  sharedProvider,
} from "./from-environment-aware.js";
import { displayPath, PATH_VARIABLES, registerEnvironmentSecrets } from "./redact.js";
import { type CredentialSourceName, type SourceDecision, selectSource } from "./select-source.js";
import { configurationKey, peekSharedEntry, type SharedSourceState, sharedEntryOf } from "./shared-cache.js";
import { printableMaterial } from "./sources/roles-anywhere.js";
import { isPkcs11Uri } from "@workload-identity/roles-anywhere";

export type { ExplainedVariable, Explanation } from "./explanation.js";

/** Options of {@link explain}: those of `fromEnvironmentAware`, plus whether to resolve credentials. */
export interface ExplainInit extends FromEnvironmentAwareInit {
  /**
   * Resolve credentials through the shared provider (the one the application's clients use, so no extra source
   * call if they already have credentials), to report which SDK chain link answered and the expiration.
   * @defaultValue true
   */
  resolve?: boolean;
  /** The clock for "expired" flags, in milliseconds since the epoch. @defaultValue Date.now */
  now?: () => number;
}

/**
 * Explains which credential source `fromEnvironmentAware(init)` uses here, why, and what it sees — without secrets.
 * Never throws for a bad configuration: it reports it in `error`. It decides as `fromEnvironmentAware` does (the
 * same pure selection), describes the chosen source, and reads the cache state of the shared provider, which it
 * creates only to resolve (`resolve: true`).
 *
 * @param init - the same options as `fromEnvironmentAware`, plus `resolve`
 * @returns a plain, JSON-serializable object; `formatExplanation` renders it for humans
 */
export async function explain(init: ExplainInit = {}): Promise<Explanation> {
  const { resolve = true, now = Date.now, ...providerInit } = init;
  const env: Environment = process.env;
  const { privateKey, passphrase } = providerInit.rolesAnywhere ?? {};
  const inlineKey = typeof privateKey === "string" && displayPath(privateKey) !== privateKey ? privateKey : undefined;
  registerEnvironmentSecrets(env, [inlineKey, passphrase]);
  return redactValue(await explainUnredacted(providerInit, env, resolve, now));
}

async function explainUnredacted(
  providerInit: FromEnvironmentAwareInit,
  env: Environment,
  resolve: boolean,
  now: () => number,
): Promise<Explanation> {
  let decision: SourceDecision;
  try {
    decision = selectSource(selectionInput(providerInit), env);
  } catch (error) {
    return incomplete(error as Error, env);
  }
  const explanation: Explanation = {
    source: decision.source,
    reason: decision.reason,
    variables: decision.variables.map((name) => variable(name, env)),
    ignored: [...decision.ignored],
    warnings: [...decision.warnings],
  };
  Object.assign(explanation, await decision.bound?.describe({ env, now, warnings: explanation.warnings }));
  if (providerInit.assumeRole !== undefined) explanation.assumeRole = chainLink(explanation, providerInit.assumeRole);
  if (resolve && decision.source !== "none") {
    await resolveThroughSharedProvider(explanation, providerInit, env);
  } else {
    const state = peekSharedEntry(configurationKey(sharedKeyOf(providerInit, env)))?.state;
    if (state !== undefined) reportState(explanation, state);
  }
  return explanation;
}

/** The second link of a role chain; the first is the source already described. */
function chainLink(explanation: Explanation, options: AssumeRoleOptions): NonNullable<Explanation["assumeRole"]> {
  const resolved = resolveAssumeRoleOptions(options);
  const baseRoleArn = explanation.webIdentity?.roleArn ?? explanation.rolesAnywhere?.roleArn;
  return {
    base: explanation.source,
    ...(baseRoleArn === undefined ? {} : { baseRoleArn }),
    roleArn: resolved.roleArn,
    roleSessionName: resolved.roleSessionName,
    durationSeconds: resolved.durationSeconds,
    ...(resolved.externalId === undefined ? {} : { externalId: resolved.externalId }),
    sessionPolicy: resolved.policy !== undefined,
  };
}

/** What the shared provider's cache (and, when chaining, the base set's cache) last resolved. */
function reportState(explanation: Explanation, state: SharedSourceState): void {
  if (state.expiration !== undefined) explanation.credentials = { expiration: state.expiration?.toISOString() ?? null };
  const base = state.base?.expiration;
  if (explanation.assumeRole !== undefined && base !== undefined) {
    explanation.assumeRole.baseCredentials = { expiration: base?.toISOString() ?? null };
  }
}

/** Resolves once through the provider the application's clients share, and reports what its handle then says. */
async function resolveThroughSharedProvider(explanation: Explanation, init: FromEnvironmentAwareInit, env: Environment): Promise<void> {
  try {
    const provider = sharedProvider(init, env);
    const credentials = await provider();
    const state = sharedEntryOf(provider)?.state;
    if (state !== undefined) reportState(explanation, state);
    // What the provider just returned, even if the cache's record of it is older.
    explanation.credentials = { expiration: credentials.expiration?.toISOString() ?? null };
    const link = state?.link;
    if (explanation.source === "sdk-chain" && link !== undefined) explanation.sdkChain = { ...explanation.sdkChain, link };
  } catch (error) {
    explanation.error = { code: (error as { code?: unknown }).code?.toString() ?? (error as Error).name, message: errorMessage(error) };
  }
}

/** The configuration is half done (or holds an invalid value): say which variables, and the error. */
function incomplete(error: Error, env: Environment): Explanation {
  const fields = error as Error & { code?: string; missing?: readonly string[]; present?: readonly string[]; source?: string; variable?: string };
  const names = [...(fields.present ?? []), ...(fields.variable === undefined ? [] : [fields.variable])];
  return {
    source: (fields.source as CredentialSourceName | undefined) ?? sourceOfVariable(fields.variable),
    reason: "The configuration is incomplete: see error.",
    variables: names.map((name) => variable(name, env)),
    ignored: [],
    warnings: [],
    error: {
      code: fields.code ?? fields.name,
      message: fields.message,
      ...(fields.missing === undefined ? {} : { missing: [...fields.missing] }),
    },
  };
}

function variable(name: string, env: Environment): ExplainedVariable {
  const value = env[name];
  if (value === undefined || value === "") return { name, value: "(empty)" };
  if (name === ENV_RA_PRIVATE_KEY) {
    return { name, value: value.includes("-----BEGIN") ? "(inline PEM)" : isPkcs11Uri(value) ? printableMaterial(value) : displayPath(value) };
  }
  if (PATH_VARIABLES.has(name)) return { name, value: displayPath(value) };
  if (PRINTABLE_VARIABLES.has(name)) return { name, value };
  if (name === ENV_RA_CERTIFICATE || name === ENV_RA_CERTIFICATE_CHAIN) return { name, value: printableMaterial(value) };
  return { name, value: "(set)" };
}

function sourceOfVariable(name: string | undefined): CredentialSourceName | "none" {
  if (name?.startsWith("AWS_ROLES_ANYWHERE_") === true) return "roles-anywhere";
  if (name?.startsWith("AWS_CONTAINER_") === true) return "pod-identity";
  if (name === "AWS_ROLE_ARN" || name === "AWS_WEB_IDENTITY_TOKEN_FILE") return "web-identity";
  return "none";
}
