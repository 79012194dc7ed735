import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Logger } from "@aws-sdk/types";
import { PodIdentityError } from "./errors.js";
import type { PodIdentityEnvConfig } from "./select-source.js";

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
    throw new TypeError(`podIdentity.timeoutMs must be a positive number of milliseconds; got ${String(options.timeoutMs)}.`);
  }
  if (options.maxRetries !== undefined && !(Number.isInteger(options.maxRetries) && options.maxRetries >= 0)) {
    throw new TypeError(`podIdentity.maxRetries must be a whole number, 0 or more; got ${String(options.maxRetries)}.`);
  }
}
