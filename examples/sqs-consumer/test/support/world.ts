import { startWebIdentityWorld, type WebIdentityWorld, type WebIdentityWorldOptions, withSqsServer, type WorldWithSqs } from "@workload-identity/testing";

/** An EKS pod with IRSA and a queue, on loopback: OIDC issuer, STS, the projected token, and fauxqs. */
export type PodWorld = WorldWithSqs<WebIdentityWorld>;

/**
 * The testing package's web identity world for the consumer's service account (`orders:sqs-consumer`), with an SQS
 * server beside it; `env` is what the EKS webhook injects plus the emulators' endpoints.
 */
export async function startPodWorld(options: WebIdentityWorldOptions = {}): Promise<PodWorld> {
  return withSqsServer(
    await startWebIdentityWorld({
      roleArn: "arn:aws:iam::111122223333:role/sqs-consumer",
      namespace: "orders",
      serviceAccount: "sqs-consumer",
      ...options,
    }),
  );
}
