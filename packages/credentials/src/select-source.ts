import { ENV_ROLE_ARN, ENV_WEB_IDENTITY_TOKEN_FILE, type Environment, readEnv } from "@workload-identity/core";
import type { RolesAnywhereSourceInit } from "@workload-identity/roles-anywhere";
import type { TokenFileSourceInit } from "@workload-identity/web-identity";
import { HalfConfiguredError } from "./errors.js";
import type { CredentialSourceName } from "./source-name.js";
import { type PodIdentityOptions, podIdentityModule } from "./sources/pod-identity.js";
import { rolesAnywhereSource } from "./sources/roles-anywhere.js";
import { type SdkChainOptions, sdkChainConfig, sdkChainSource } from "./sources/sdk-chain.js";
import { type BoundSource, bind, type Detection, type SourceModule } from "./sources/source-module.js";
import { webIdentitySource } from "./sources/web-identity.js";

export type { CredentialSourceName } from "./source-name.js";

/** What the options of `fromEnvironmentAware` ask for, as far as selection is concerned. */
export interface SelectionInput {
  /** The explicit option given, if any: it wins over the environment. */
  readonly explicit?:
    | { readonly kind: "web-identity"; readonly options: TokenFileSourceInit }
    | { readonly kind: "roles-anywhere"; readonly options: RolesAnywhereSourceInit };
  /** The SDK chain's options when nothing else is configured, or `false` to fail instead. */
  readonly fallback: false | SdkChainOptions;
  readonly podIdentity: PodIdentityOptions | undefined;
}

/** The outcome of {@link selectSource}: which source, why, and the source bound to its configuration. */
export interface SourceDecision {
  /** The source chosen; `none` when nothing is configured and the fallback is off. */
  readonly source: CredentialSourceName | "none";
  /** For `explicit`: which option. */
  readonly explicit?: "web-identity" | "roles-anywhere";
  /** A human sentence: why this source. */
  readonly reason: string;
  /** The variables that decided it (names only; `explain` decides which values may be shown). */
  readonly variables: readonly string[];
  /** Other sources that are configured too but lose to this one. */
  readonly ignored: readonly CredentialSourceName[];
  /** Things worth a look that do not stop this source, e.g. a half configuration of a lower-priority source. */
  readonly warnings: readonly string[];
  /** The chosen source with its configuration; absent for `none`. */
  readonly bound?: BoundSource;
}

interface Candidate {
  readonly name: CredentialSourceName;
  readonly detection: Detection<unknown>;
  readonly module: SourceModule<unknown>;
}

function candidate<Config>(name: CredentialSourceName, module: SourceModule<Config>, env: Environment): Candidate {
  return { name, module: module as SourceModule<unknown>, detection: module.detect(env) };
}

/**
 * The `webIdentity` option asks for web identity whatever else is configured, so what it lacks is an error that stops
 * a chain (the source's own "not configured" would let an outer chain move on to other credentials).
 */
function explicitWebIdentity(options: TokenFileSourceInit, env: Environment): BoundSource {
  const missing = [
    (options.webIdentityTokenFile ?? readEnv(ENV_WEB_IDENTITY_TOKEN_FILE, env)) === undefined
      ? `${ENV_WEB_IDENTITY_TOKEN_FILE} (or webIdentity.webIdentityTokenFile)`
      : undefined,
    (options.roleArn ?? readEnv(ENV_ROLE_ARN, env)) === undefined ? `${ENV_ROLE_ARN} (or webIdentity.roleArn)` : undefined,
  ].filter((name): name is string => name !== undefined);
  if (missing.length > 0) throw new HalfConfiguredError("web-identity", ["the webIdentity option"], missing);
  return bind(webIdentitySource, options);
}

function explicitDecision(explicit: NonNullable<SelectionInput["explicit"]>, env: Environment): SourceDecision {
  const option = explicit.kind === "web-identity" ? "webIdentity" : "rolesAnywhere";
  return {
    source: "explicit",
    explicit: explicit.kind,
    reason: `The ${option} option was given: explicit options win over the environment.`,
    variables: [],
    ignored: [],
    warnings: [],
    bound:
      explicit.kind === "web-identity"
        ? explicitWebIdentity(explicit.options, env)
        : bind(rolesAnywhereSource, explicit.options),
  };
}

function fallbackDecision(fallback: false | SdkChainOptions, env: Environment): SourceDecision {
  if (fallback === false) {
    return {
      source: "none",
      reason: "No web identity, Pod Identity or Roles Anywhere variables are set and the fallback is disabled.",
      variables: [],
      ignored: [],
      warnings: [],
    };
  }
  const config = sdkChainConfig(fallback, env);
  return {
    source: "sdk-chain",
    reason:
      "No web identity, Pod Identity or Roles Anywhere variables are set: the AWS SDK's default chain " +
      "(env keys, SSO, profiles, credential_process, container credentials, instance metadata).",
    variables: config.profile === undefined ? [] : ["AWS_PROFILE"],
    ignored: [],
    warnings: [],
    bound: bind(sdkChainSource, config),
  };
}

/**
 * Decides which credential source applies, from the options and the environment alone (no I/O).
 *
 * Order: explicit options, web identity, EKS Pod Identity, Roles Anywhere, then the SDK chain. The first source that
 * is configured wins; a source that is half configured (and comes before any complete one) is an error naming the
 * missing variable, never a fall-through.
 *
 * @throws {@link HalfConfiguredError} or {@link InvalidEnvironmentValueError}
 */
export function selectSource(input: SelectionInput, env: Environment): SourceDecision {
  const candidates = [
    candidate("web-identity", webIdentitySource, env),
    candidate("pod-identity", podIdentityModule(input.podIdentity), env),
    candidate("roles-anywhere", rolesAnywhereSource, env),
  ];
  let winner: SourceDecision | undefined = input.explicit === undefined ? undefined : explicitDecision(input.explicit, env);
  const ignored: CredentialSourceName[] = [];
  const warnings: string[] = [];
  for (const { name, module, detection } of candidates) {
    if (detection.state === "unset") continue;
    if (winner === undefined) {
      if (detection.state === "half") throw detection.error;
      const { reason, variables, config } = detection;
      winner = { source: name, reason, variables, ignored: [], warnings: [], bound: bind(module, config) };
      continue;
    }
    if (detection.state === "complete") ignored.push(name);
    else warnings.push(`${name} is ignored (${winner.source} wins) and is half configured: ${detection.error.message}`);
  }
  return { ...(winner ?? fallbackDecision(input.fallback, env)), ignored, warnings };
}
