import {
  createProjectedTokenDir,
  type OidcIssuer,
  type ProjectedTokenDir,
  type SqsServer,
  type StsEmulator,
  startOidcIssuer,
  startSqsServer,
  startStsEmulator,
} from "@workload-identity/testing";

/** The role the consumer's service account may assume in the emulated account. */
export const ROLE_ARN = "arn:aws:iam::111122223333:role/sqs-consumer";
export const REGION = "eu-west-1";

/** An EKS pod's world on loopback: OIDC issuer, STS, a projected token, and the queue server. */
export interface PodWorld {
  readonly issuer: OidcIssuer;
  readonly sts: StsEmulator;
  readonly tokenDir: ProjectedTokenDir;
  readonly sqs: SqsServer;
  /** What the EKS pod identity webhook injects, plus the endpoint overrides that point at the emulators. */
  readonly podEnv: Record<string, string>;
  close(): Promise<void>;
}

/** Starts everything a pod using IRSA needs. `credentialLifetimeSeconds` short makes refreshes happen in seconds. */
export async function startPodWorld(options: { credentialLifetimeSeconds?: number } = {}): Promise<PodWorld> {
  const issuer = await startOidcIssuer();
  const sts = await startStsEmulator({
    roles: [{ arn: ROLE_ARN, issuer: issuer.issuer, allowedSubjects: ["system:serviceaccount:orders:sqs-consumer"] }],
    ...(options.credentialLifetimeSeconds === undefined ? {} : { credentialLifetimeSeconds: options.credentialLifetimeSeconds }),
  });
  const tokenDir = await createProjectedTokenDir();
  await tokenDir.write(await issuer.mintServiceAccountToken({ namespace: "orders", serviceAccount: "sqs-consumer", lifetimeSeconds: 3600 }));
  const sqs = await startSqsServer();
  return {
    issuer,
    sts,
    tokenDir,
    sqs,
    podEnv: {
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenDir.tokenFile,
      AWS_ROLE_ARN: ROLE_ARN,
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    },
    async close() {
      await Promise.allSettled([sqs.close(), sts.close(), issuer.close(), tokenDir.remove()]);
    },
  };
}
