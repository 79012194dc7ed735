import { SQSClient, type SQSClientConfig } from "@aws-sdk/client-sqs";
import {
  type CredentialRecoveryEvent,
  credentialRecovery,
  fromEnvironmentAware,
  type RefreshEvent,
} from "@workload-identity/credentials";
import type { Logger } from "pino";
import type { AssumeRoleConfig, ConsumerConfig } from "./config.js";

/** A credential provider, as SDK clients take it. */
export type CredentialProvider = NonNullable<SQSClientConfig["credentials"]>;

/** Builds the credential provider; it gets a logger, the cache's event handler and the role to chain to, if any. */
export type CredentialsFactory = (hooks: {
  readonly logger: Logger;
  readonly onEvent: (event: RefreshEvent) => void;
  readonly assumeRole: AssumeRoleConfig | undefined;
}) => CredentialProvider;

/**
 * The production credentials: whatever the pod's environment configures (IRSA web identity, EKS Pod Identity,
 * IAM Roles Anywhere, else the SDK's chain), then role B when `ASSUME_ROLE_ARN` asks for role chaining; cached and
 * refreshed ahead of expiry.
 */
export const fromEnvironmentAwareCredentials: CredentialsFactory = ({ logger, onEvent, assumeRole }) =>
  fromEnvironmentAware({ logger, refresh: { onEvent }, ...(assumeRole === undefined ? {} : { assumeRole }) });

/** Options of {@link createSqsClient}. */
export interface SqsClientOptions {
  readonly config: Pick<ConsumerConfig, "region" | "waitTimeSeconds" | "endpointOverridden" | "assumeRole">;
  /** For the credential provider's own log lines (which source it chose) and the recovery's. */
  readonly logger: Logger;
  /** Receives the credential cache's events (refreshes, failures). */
  readonly onCredentialsEvent: (event: RefreshEvent) => void;
  /** Receives `credentialRecovery()`'s events (credentials SQS refused, forced refreshes, retries). */
  readonly onRecoveryEvent: (event: CredentialRecoveryEvent) => void;
  /** Tests only. @defaultValue {@link fromEnvironmentAwareCredentials} */
  readonly credentials?: CredentialsFactory;
}

/**
 * The one SQS client of the consumer, and the only place credentials are mentioned. When SQS refuses credentials the
 * cache still holds (a session revoked, SQS's clock ahead of ours), `credentialRecovery()` refreshes them once and
 * sends the call again. The endpoint follows the SDK's own settings (`AWS_ENDPOINT_URL_SQS`, `AWS_ENDPOINT_URL`);
 * when one is set, calls go there rather than to each queue URL's host.
 */
export function createSqsClient(options: SqsClientOptions): SQSClient {
  const { config, logger } = options;
  const credentials = (options.credentials ?? fromEnvironmentAwareCredentials)({
    logger,
    onEvent: options.onCredentialsEvent,
    assumeRole: config.assumeRole,
  });
  const sqs = new SQSClient({
    region: config.region,
    credentials,
    useQueueUrlAsEndpoint: !config.endpointOverridden,
    requestHandler: {
      connectionTimeout: 5_000,
      // A long poll is silent for up to WAIT_TIME_SECONDS; beyond that plus a margin the connection is dead.
      requestTimeout: (config.waitTimeSeconds + 15) * 1_000,
    },
  });
  sqs.middlewareStack.use(credentialRecovery({ logger, onEvent: options.onRecoveryEvent }));
  return sqs;
}
