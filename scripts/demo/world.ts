// The pieces of an AWS account and a cluster the demo (and `pnpm pods`) start on 127.0.0.1, and the environment a pod
// gets there: the testing package's worlds, with an SQS server and the queue "orders" beside them.
import {
  type SqsServer,
  startRolesAnywhereWorld as startRolesAnywhere,
  startWebIdentityWorld as startWebIdentity,
  withSqsServer,
} from "@workload-identity/testing";

export const REGION = "eu-west-1";
export const ROLE_ARN = "arn:aws:iam::111122223333:role/orders-consumer";
const ACCOUNT = "111122223333";

/** What the demo runs against. */
export interface DemoWorld {
  /** One `[what, where]` per piece, for the narration. */
  readonly description: readonly (readonly [string, string])[];
  readonly sqs: SqsServer;
  readonly queueUrl: string;
  /** Exactly the variables the pod gets: identity (from the webhook or the Secret/ConfigMap) and endpoints. */
  readonly podEnv: Record<string, string>;
  /** Access key ids the credential service issued, in order. */
  issuedKeyIds(): string[];
  close(): Promise<void>;
}

/** The queue "orders" on the world's SQS server; the world is closed if it cannot be created. */
async function ordersQueue(world: { sqs: SqsServer; close(): Promise<void> }): Promise<string> {
  return world.sqs.createQueue("orders").catch(async (error: unknown) => {
    await world.close().catch(() => undefined);
    throw error;
  });
}

/**
 * IRSA: an OIDC issuer (the cluster's), an STS that trusts it, a kubelet-style projected token, and the queue.
 * Credentials live `credentialLifetimeSeconds`, so the consumer refreshes them within seconds.
 */
export async function startWebIdentityWorld(credentialLifetimeSeconds: number): Promise<DemoWorld> {
  const world = await withSqsServer(
    await startWebIdentity({ roleArn: ROLE_ARN, namespace: "orders", serviceAccount: "orders-consumer", region: REGION, credentialLifetimeSeconds }),
  );
  const queueUrl = await ordersQueue(world);
  return {
    description: [
      ["OIDC issuer (the cluster's service-account issuer)", world.issuer.issuer],
      [`STS emulator trusting it, credentials live ${credentialLifetimeSeconds} s`, world.sts.endpoint],
      ["projected service-account token (kubelet layout)", world.tokenDir.tokenFile],
      ['SQS server (fauxqs), queue "orders"', world.sqs.endpoint],
    ],
    sqs: world.sqs,
    queueUrl,
    // What the EKS pod identity webhook injects for a ServiceAccount annotated eks.amazonaws.com/role-arn (token file,
    // role, region), plus the endpoints that point at the stand-ins instead of AWS.
    podEnv: { ...world.env, AWS_DEFAULT_REGION: REGION, AWS_STS_REGIONAL_ENDPOINTS: "regional" },
    issuedKeyIds: () => world.sts.credentialsIssued().map((c) => c.accessKeyId),
    close: () => world.close(),
  };
}

/**
 * IAM Roles Anywhere: a private CA (root + intermediate) registered as a trust anchor, a leaf certificate and key
 * for the workload (files, as a `kubernetes.io/tls` Secret would mount them), and the queue.
 */
export async function startRolesAnywhereWorld(credentialLifetimeSeconds: number): Promise<DemoWorld> {
  const world = await withSqsServer(
    await startRolesAnywhere({
      region: REGION,
      account: ACCOUNT,
      roleArn: ROLE_ARN,
      trustAnchorArn: `arn:aws:rolesanywhere:${REGION}:${ACCOUNT}:trust-anchor/0b6e3c5a-demo`,
      profileArn: `arn:aws:rolesanywhere:${REGION}:${ACCOUNT}:profile/6f1d2a9e-demo`,
      leaf: { subject: "CN=orders-consumer,O=Example", signedBy: "intermediate" },
      credentialLifetimeSeconds,
    }),
  );
  const queueUrl = await ordersQueue(world);
  return {
    description: [
      ["private CA registered as trust anchor", world.trustAnchorArn],
      ["workload certificate + key (a kubernetes.io/tls Secret)", world.dir],
      [`Roles Anywhere emulator, credentials live ${credentialLifetimeSeconds} s`, world.emulator.endpoint],
      ['SQS server (fauxqs), queue "orders"', world.sqs.endpoint],
    ],
    sqs: world.sqs,
    queueUrl,
    // From the Secret (mounted files) and a ConfigMap of ARNs, plus the endpoints that point at the stand-ins.
    podEnv: { ...world.env },
    issuedKeyIds: () => world.emulator.credentialsIssued().map((c) => c.accessKeyId),
    close: () => world.close(),
  };
}
