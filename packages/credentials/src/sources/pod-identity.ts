// EKS Pod Identity, or any container-credentials endpoint with a token file (a `roles-anywhere serve` sidecar):
// AWS_CONTAINER_CREDENTIALS_FULL_URI + AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, served by the SDK's own fromHttp.
import { access } from "node:fs/promises";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Logger } from "@aws-sdk/types";
import {
  ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE,
  ENV_CONTAINER_CREDENTIALS_FULL_URI,
  type Environment,
  InvalidOptionError,
  readEnv,
} from "@workload-identity/core";
import { EKS_POD_IDENTITY_HOSTS } from "../env.js";
import { HalfConfiguredError, InvalidEnvironmentValueError, PodIdentityError } from "../errors.js";
import { displayPath } from "../redact.js";
import type { Detection, SourceModule } from "./source-module.js";

/** Options for the EKS Pod Identity source. */
export interface PodIdentityOptions {
  /**
   * Connection and response timeout of one request to the agent, in milliseconds; also the pause between retries.
   * @defaultValue 1000
   */
  timeoutMs?: number;
  /**
   * Retries after a failed request, per refresh.
   * @defaultValue 3
   */
  maxRetries?: number;
}

/** Pod Identity settings read from the environment. */
export interface PodIdentityEnvConfig {
  readonly fullUri: string;
  readonly authorizationTokenFile: string;
}

/**
 * The EKS Pod Identity source: the SDK's own `fromHttp` (it reads the token file at every call and sends it as the
 * `Authorization` header), loaded on first use. Not cached here: the caller wraps it once.
 *
 * Unlike the SDK's default chain, which tries container metadata next and so hides the agent's answer behind an
 * unrelated error (aws-sdk-js-v3 issues 5709 and 8101), a failure is reported as it is, in a {@link PodIdentityError}
 * whose `cause` is the SDK's error (with the agent's `Code` and `Message` when it sent them).
 */
export function podIdentitySource(
  config: PodIdentityEnvConfig,
  options: PodIdentityOptions = {},
  logger?: Logger,
): () => Promise<AwsCredentialIdentity> {
  let provider: AwsCredentialIdentityProvider | undefined;
  return async () => {
    if (provider === undefined) {
      const { fromHttp } = await import("@aws-sdk/credential-provider-http");
      provider = fromHttp({
        // Empty strings stop fromHttp from reading these two from the environment: an ECS relative URI would win over
        // the Pod Identity URI, and an inline token would only cause a warning (the token file wins).
        awsContainerCredentialsRelativeUri: "",
        awsContainerAuthorizationToken: "",
        awsContainerCredentialsFullUri: config.fullUri,
        awsContainerAuthorizationTokenFile: config.authorizationTokenFile,
        timeout: options.timeoutMs ?? 1000,
        maxRetries: options.maxRetries ?? 3,
        ...(logger === undefined ? {} : { logger }),
      });
    }
    try {
      return await provider();
    } catch (error) {
      throw new PodIdentityError(config.fullUri, error);
    }
  };
}

/** Validates {@link PodIdentityOptions} synchronously. */
export function validatePodIdentityOptions(options: PodIdentityOptions | undefined): void {
  if (options === undefined) return;
  if (options.timeoutMs !== undefined && !(Number.isFinite(options.timeoutMs) && options.timeoutMs > 0)) {
    throw new InvalidOptionError(`podIdentity.timeoutMs must be a positive number of milliseconds; got ${String(options.timeoutMs)}.`);
  }
  if (options.maxRetries !== undefined && !(Number.isInteger(options.maxRetries) && options.maxRetries >= 0)) {
    throw new InvalidOptionError(`podIdentity.maxRetries must be a whole number, 0 or more; got ${String(options.maxRetries)}.`);
  }
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

function detectPodIdentity(env: Environment): Detection<PodIdentityEnvConfig> {
  const fullUri = readEnv(ENV_CONTAINER_CREDENTIALS_FULL_URI, env);
  const authorizationTokenFile = readEnv(ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE, env);
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
    reason: EKS_POD_IDENTITY_HOSTS.includes(hostOf(fullUri) ?? "")
      ? `${ENV_CONTAINER_CREDENTIALS_FULL_URI} and ${ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE} are set: the EKS Pod Identity agent.`
      : `${ENV_CONTAINER_CREDENTIALS_FULL_URI} and ${ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE} are set: a container ` +
        "credentials endpoint (the Pod Identity protocol), e.g. a `roles-anywhere serve` sidecar.",
    variables: [ENV_CONTAINER_CREDENTIALS_FULL_URI, ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE],
    config: { fullUri, authorizationTokenFile },
  };
}


/** The Pod Identity source module; `options` are `fromEnvironmentAware`'s `podIdentity`. */
export function podIdentityModule(options: PodIdentityOptions | undefined): SourceModule<PodIdentityEnvConfig> {
  return {
    detect: detectPodIdentity,
    create: (config, { logger }) => podIdentitySource(config, options, logger),
    async describe(config, { warnings }) {
      const readable = await access(config.authorizationTokenFile).then(
        () => true,
        () => false,
      );
      if (!readable) warnings.push(`The Pod Identity token file ${displayPath(config.authorizationTokenFile)} is not readable.`);
      return {
        podIdentity: {
          endpoint: config.fullUri,
          authorizationTokenFile: displayPath(config.authorizationTokenFile),
          tokenFileReadable: readable,
        },
      };
    },
  };
}
