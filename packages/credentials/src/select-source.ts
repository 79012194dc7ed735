import {
  EKS_POD_IDENTITY_HOSTS,
  ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE,
  ENV_CONTAINER_CREDENTIALS_FULL_URI,
  ENV_PROFILE,
  ENV_RA_CERTIFICATE,
  ENV_RA_CERTIFICATE_CHAIN,
  ENV_RA_ENDPOINT,
  ENV_RA_PRIVATE_KEY,
  ENV_RA_PRIVATE_KEY_PASSPHRASE_FILE,
  ENV_RA_PROFILE_ARN,
  ENV_RA_ROLE_ARN,
  ENV_RA_SESSION_DURATION,
  ENV_RA_TRUST_ANCHOR_ARN,
  ENV_ROLE_ARN,
  ENV_ROLE_SESSION_NAME,
  ENV_WEB_IDENTITY_TOKEN_FILE,
  type Environment,
  ROLES_ANYWHERE_OPTIONAL,
  ROLES_ANYWHERE_REQUIRED,
} from "./env.js";
import { parseRoleArn, ROLE_ARN_EXAMPLE, readEnv } from "@workload-identity/core";
import { HalfConfiguredError, InvalidEnvironmentValueError } from "./errors.js";

/** The credential sources, in selection order. */
export type CredentialSourceName = "explicit" | "web-identity" | "pod-identity" | "roles-anywhere" | "sdk-chain";

/** What the explicit options of `fromEnvironmentAware` ask for, as far as selection is concerned. */
export interface SelectionInput {
  /** Which explicit option was given, if any. */
  explicit?: "web-identity" | "roles-anywhere";
  /** Whether the SDK chain may be used when nothing else is configured. */
  fallback: boolean;
}

/** Web identity settings read from the environment. */
export interface WebIdentityEnvConfig {
  readonly webIdentityTokenFile: string;
  readonly roleArn: string;
  readonly roleSessionName?: string;
}

/** EKS Pod Identity settings read from the environment. */
export interface PodIdentityEnvConfig {
  readonly fullUri: string;
  readonly authorizationTokenFile: string;
}

/** Roles Anywhere settings read from the environment. `privateKey` may be inline PEM: never print it. */
export interface RolesAnywhereEnvConfig {
  readonly certificate: string;
  readonly privateKey: string;
  readonly trustAnchorArn: string;
  readonly profileArn: string;
  readonly roleArn: string;
  readonly certificateChain?: string;
  readonly durationSeconds?: number;
  readonly passphraseFile?: string;
  readonly endpoint?: string;
}

interface DecisionBase {
  /** A human sentence: why this source. */
  readonly reason: string;
  /** The variables that decided it (names only; `explain` decides which values may be shown). */
  readonly variables: readonly string[];
  /** Other sources that are configured too but lose to this one. */
  readonly ignored: readonly CredentialSourceName[];
  /** Things worth a look that do not stop this source, e.g. a half configuration of a lower-priority source. */
  readonly warnings: readonly string[];
}

/** The outcome of {@link selectSource}. */
export type SourceDecision =
  | (DecisionBase & { readonly source: "explicit"; readonly explicit: "web-identity" | "roles-anywhere" })
  | (DecisionBase & { readonly source: "web-identity"; readonly config: WebIdentityEnvConfig })
  | (DecisionBase & { readonly source: "pod-identity"; readonly config: PodIdentityEnvConfig })
  | (DecisionBase & { readonly source: "roles-anywhere"; readonly config: RolesAnywhereEnvConfig })
  | (DecisionBase & { readonly source: "sdk-chain"; readonly config: { readonly profile?: string } })
  | (DecisionBase & { readonly source: "none" });

type Candidate =
  | { readonly state: "unset" }
  | { readonly state: "complete"; readonly decision: SourceDecision }
  | { readonly state: "half"; readonly error: Error };

const read = (env: Environment, name: string): string | undefined => readEnv(name, env);

const presentOf = (env: Environment, names: readonly string[]) => names.filter((name) => read(env, name) !== undefined);

const base = { ignored: [], warnings: [] } as const;

function webIdentity(env: Environment): Candidate {
  const webIdentityTokenFile = read(env, ENV_WEB_IDENTITY_TOKEN_FILE);
  const roleArn = read(env, ENV_ROLE_ARN);
  if (webIdentityTokenFile === undefined && roleArn === undefined) return { state: "unset" };
  if (webIdentityTokenFile === undefined || roleArn === undefined) {
    const present = webIdentityTokenFile === undefined ? ENV_ROLE_ARN : ENV_WEB_IDENTITY_TOKEN_FILE;
    const missing = webIdentityTokenFile === undefined ? ENV_WEB_IDENTITY_TOKEN_FILE : ENV_ROLE_ARN;
    return {
      state: "half",
      error: new HalfConfiguredError(
        "web-identity",
        [present],
        [missing],
        "On EKS, annotate the service account with eks.amazonaws.com/role-arn and restart the pod.",
      ),
    };
  }
  if (parseRoleArn(roleArn) === undefined) {
    return {
      state: "half",
      error: new InvalidEnvironmentValueError(
        ENV_ROLE_ARN,
        `is ${JSON.stringify(roleArn.slice(0, 200))}, not an IAM role ARN: set it to one like ${ROLE_ARN_EXAMPLE}`,
      ),
    };
  }
  const roleSessionName = read(env, ENV_ROLE_SESSION_NAME);
  return {
    state: "complete",
    decision: {
      ...base,
      source: "web-identity",
      reason: `${ENV_WEB_IDENTITY_TOKEN_FILE} and ${ENV_ROLE_ARN} are set: AssumeRoleWithWebIdentity with the projected token.`,
      variables: roleSessionName === undefined
        ? [ENV_WEB_IDENTITY_TOKEN_FILE, ENV_ROLE_ARN]
        : [ENV_WEB_IDENTITY_TOKEN_FILE, ENV_ROLE_ARN, ENV_ROLE_SESSION_NAME],
      config: { webIdentityTokenFile, roleArn, ...(roleSessionName === undefined ? {} : { roleSessionName }) },
    },
  };
}

function hostOf(uri: string): string | undefined {
  try {
    return new URL(uri).hostname;
  } catch {
    return undefined;
  }
}

// The SDK's fromHttp accepts https anywhere, plain http only to these hosts; it refuses anything else at call time
// with a message that names no variable. Checked here so that the mistake is a configuration error.
const LOOPBACK_V4 = /^127(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const HTTP_HOSTS: readonly string[] = [...EKS_POD_IDENTITY_HOSTS, "169.254.170.2", "localhost", "[::1]"];

function acceptedByFromHttp(url: URL): boolean {
  if (url.protocol === "https:") return true;
  return url.protocol === "http:" && (HTTP_HOSTS.includes(url.hostname) || LOOPBACK_V4.test(url.hostname));
}

function podIdentity(env: Environment): Candidate {
  const fullUri = read(env, ENV_CONTAINER_CREDENTIALS_FULL_URI);
  const authorizationTokenFile = read(env, ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE);
  if (authorizationTokenFile !== undefined && fullUri === undefined) {
    return {
      state: "half",
      error: new HalfConfiguredError(
        "pod-identity",
        [ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE],
        [ENV_CONTAINER_CREDENTIALS_FULL_URI],
      ),
    };
  }
  if (fullUri === undefined) return { state: "unset" };
  if (authorizationTokenFile === undefined) {
    // A full URI alone is generic container credentials (ECS, a local sidecar): the SDK chain serves those. Only the
    // Pod Identity agent's own address without its token is a broken Pod Identity setup.
    const host = hostOf(fullUri);
    if (host !== undefined && EKS_POD_IDENTITY_HOSTS.includes(host)) {
      return {
        state: "half",
        error: new HalfConfiguredError(
          "pod-identity",
          [ENV_CONTAINER_CREDENTIALS_FULL_URI],
          [ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE],
          "The EKS Pod Identity webhook sets both; check that the pod was created after the association.",
        ),
      };
    }
    return { state: "unset" };
  }
  if (hostOf(fullUri) === undefined) {
    return {
      state: "half",
      error: new InvalidEnvironmentValueError(ENV_CONTAINER_CREDENTIALS_FULL_URI, "is not a valid URL"),
    };
  }
  if (!acceptedByFromHttp(new URL(fullUri))) {
    return {
      state: "half",
      error: new InvalidEnvironmentValueError(
        ENV_CONTAINER_CREDENTIALS_FULL_URI,
        `is ${fullUri}, which the AWS SDK refuses: use https, or http on loopback (127.0.0.0/8, [::1], localhost) or ` +
          "a container host (169.254.170.23, [fd00:ec2::23], 169.254.170.2)",
      ),
    };
  }
  return {
    state: "complete",
    decision: {
      ...base,
      source: "pod-identity",
      reason: EKS_POD_IDENTITY_HOSTS.includes(hostOf(fullUri) ?? "")
        ? `${ENV_CONTAINER_CREDENTIALS_FULL_URI} and ${ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE} are set: the EKS Pod Identity agent.`
        : `${ENV_CONTAINER_CREDENTIALS_FULL_URI} and ${ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE} are set: a container ` +
          "credentials endpoint (the Pod Identity protocol), e.g. a `roles-anywhere serve` sidecar.",
      variables: [ENV_CONTAINER_CREDENTIALS_FULL_URI, ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE],
      config: { fullUri, authorizationTokenFile },
    },
  };
}

function rolesAnywhere(env: Environment): Candidate {
  const present = presentOf(env, [...ROLES_ANYWHERE_REQUIRED, ...ROLES_ANYWHERE_OPTIONAL]);
  if (present.length === 0) return { state: "unset" };
  const missing = ROLES_ANYWHERE_REQUIRED.filter((name) => read(env, name) === undefined);
  if (missing.length > 0) {
    return { state: "half", error: new HalfConfiguredError("roles-anywhere", present, missing) };
  }
  const duration = read(env, ENV_RA_SESSION_DURATION);
  let durationSeconds: number | undefined;
  if (duration !== undefined) {
    durationSeconds = Number(duration.trim());
    if (!/^\d+$/.test(duration.trim()) || durationSeconds <= 0) {
      return {
        state: "half",
        error: new InvalidEnvironmentValueError(
          ENV_RA_SESSION_DURATION,
          `must be a whole number of seconds (900 to 43200), got "${duration}"`,
        ),
      };
    }
  }
  const optional = {
    certificateChain: read(env, ENV_RA_CERTIFICATE_CHAIN),
    durationSeconds,
    passphraseFile: read(env, ENV_RA_PRIVATE_KEY_PASSPHRASE_FILE),
    endpoint: read(env, ENV_RA_ENDPOINT),
  };
  const config: RolesAnywhereEnvConfig = {
    certificate: read(env, ENV_RA_CERTIFICATE) as string,
    privateKey: read(env, ENV_RA_PRIVATE_KEY) as string,
    trustAnchorArn: read(env, ENV_RA_TRUST_ANCHOR_ARN) as string,
    profileArn: read(env, ENV_RA_PROFILE_ARN) as string,
    roleArn: read(env, ENV_RA_ROLE_ARN) as string,
    ...(Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)) as Partial<
      RolesAnywhereEnvConfig
    >),
  };
  return {
    state: "complete",
    decision: {
      ...base,
      source: "roles-anywhere",
      reason: "The AWS_ROLES_ANYWHERE_* variables are set: IAM Roles Anywhere CreateSession signed with the certificate.",
      variables: [...present, ...(optional.endpoint === undefined ? [] : [ENV_RA_ENDPOINT])],
      config,
    },
  };
}

const ORDER = [
  ["web-identity", webIdentity],
  ["pod-identity", podIdentity],
  ["roles-anywhere", rolesAnywhere],
] as const;

/**
 * Decides which credential source applies, from the explicit options and the environment alone (no I/O).
 *
 * Order: explicit options, web identity, EKS Pod Identity, Roles Anywhere, then the SDK chain. The first source that
 * is configured wins; a source that is half configured (and comes before any complete one) is an error naming the
 * missing variable, never a fall-through.
 *
 * @throws {@link HalfConfiguredError} or {@link InvalidEnvironmentValueError}
 */
export function selectSource(input: SelectionInput, env: Environment): SourceDecision {
  const candidates = ORDER.map(([name, check]) => ({ name, candidate: check(env) }));
  const ignored: CredentialSourceName[] = [];
  const warnings: string[] = [];
  let winner: SourceDecision | undefined;
  if (input.explicit !== undefined) {
    winner = {
      ...base,
      source: "explicit",
      explicit: input.explicit,
      reason: `The ${input.explicit === "web-identity" ? "webIdentity" : "rolesAnywhere"} option was given: explicit options win over the environment.`,
      variables: [],
    };
  }
  for (const { name, candidate } of candidates) {
    if (candidate.state === "unset") continue;
    if (winner === undefined) {
      if (candidate.state === "half") throw candidate.error;
      winner = candidate.decision;
      continue;
    }
    if (candidate.state === "complete") ignored.push(name);
    else warnings.push(`${name} is ignored (${winner.source} wins) and is half configured: ${candidate.error.message}`);
  }
  if (winner === undefined) {
    const profile = read(env, ENV_PROFILE);
    winner = input.fallback
      ? {
          ...base,
          source: "sdk-chain",
          reason:
            "No web identity, Pod Identity or Roles Anywhere variables are set: the AWS SDK's default chain " +
            "(env keys, SSO, profiles, credential_process, container credentials, instance metadata).",
          variables: profile === undefined ? [] : [ENV_PROFILE],
          config: profile === undefined ? {} : { profile },
        }
      : {
          ...base,
          source: "none",
          reason: "No web identity, Pod Identity or Roles Anywhere variables are set and the fallback is disabled.",
          variables: [],
        };
  }
  return { ...winner, ignored, warnings };
}
