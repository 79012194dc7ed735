import { SQSClient, type SQSClientConfig } from "@aws-sdk/client-sqs";
import { fromEnvironmentAware } from "@workload-identity/credentials";
import type { RefreshEvent } from "@workload-identity/refresh";
import type { Logger } from "pino";
import type { ConsumerConfig } from "./config.js";

/** A credential provider, as SDK clients take it. */
export type CredentialProvider = NonNullable<SQSClientConfig["credentials"]>;

/** Builds the credential provider; it gets a logger and the cache's event handler. */
export type CredentialsFactory = (hooks: {
  readonly logger: Logger;
  readonly onEvent: (event: RefreshEvent) => void;
}) => CredentialProvider;

/**
 * The production credentials: whatever the pod's environment configures (IRSA web identity, EKS Pod Identity,
 * IAM Roles Anywhere, else the SDK's chain), cached and refreshed ahead of expiry.
 */
export const fromEnvironmentAwareCredentials: CredentialsFactory = ({ logger, onEvent }) =>
  fromEnvironmentAware({ logger, refresh: { onEvent } });

/** Options of {@link createSqsClient}. */
export interface SqsClientOptions {
  readonly config: Pick<ConsumerConfig, "region" | "waitTimeSeconds" | "endpointOverridden">;
  /** For the credential provider's own log lines (which source it chose). */
  readonly logger: Logger;
  /** Receives the credential cache's events (refreshes, failures). */
  readonly onCredentialsEvent: (event: RefreshEvent) => void;
  /** Tests only. @defaultValue {@link fromEnvironmentAwareCredentials} */
  readonly credentials?: CredentialsFactory;
}

/**
 * The one SQS client of the consumer, and the only place credentials are mentioned. The endpoint follows the SDK's
 * own settings (`AWS_ENDPOINT_URL_SQS`, `AWS_ENDPOINT_URL`); when one is set, calls go there rather than to each
 * queue URL's host.
 */
export function createSqsClient(options: SqsClientOptions): SQSClient {
  const { config } = options;
  const hooks = { logger: options.logger, onEvent: options.onCredentialsEvent };
  const credentials = (options.credentials ?? fromEnvironmentAwareCredentials)(hooks);
  return new SQSClient({
    region: config.region,
    credentials,
    useQueueUrlAsEndpoint: !config.endpointOverridden,
    requestHandler: {
      connectionTimeout: 5_000,
      // A long poll is silent for up to WAIT_TIME_SECONDS; beyond that plus a margin the connection is dead.
      requestTimeout: (config.waitTimeSeconds + 15) * 1_000,
    },
  });
}
