// The pieces of an AWS account and a cluster the demo starts on 127.0.0.1, and the environment a pod gets there.
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createProjectedTokenDir,
  createTestPki,
  type SqsServer,
  startOidcIssuer,
  startRolesAnywhereEmulator,
  startSqsServer,
  startStsEmulator,
} from "@workload-identity/testing";

export const REGION = "eu-west-1";
export const ROLE_ARN = "arn:aws:iam::111122223333:role/orders-consumer";
const TRUST_ANCHOR_ARN = "arn:aws:rolesanywhere:eu-west-1:111122223333:trust-anchor/0b6e3c5a-demo";
const PROFILE_ARN = "arn:aws:rolesanywhere:eu-west-1:111122223333:profile/6f1d2a9e-demo";

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

/**
 * IRSA: an OIDC issuer (the cluster's), an STS that trusts it, a kubelet-style projected token, and the queue.
 * Credentials live `credentialLifetimeSeconds`, so the consumer refreshes them within seconds.
 */
export async function startWebIdentityWorld(credentialLifetimeSeconds: number): Promise<DemoWorld> {
  const issuer = await startOidcIssuer();
  const sts = await startStsEmulator({
    roles: [{ arn: ROLE_ARN, issuer: issuer.issuer, allowedSubjects: ["system:serviceaccount:orders:orders-consumer"] }],
    credentialLifetimeSeconds,
  });
  const tokens = await createProjectedTokenDir();
  await tokens.write(
    await issuer.mintServiceAccountToken({ namespace: "orders", serviceAccount: "orders-consumer", lifetimeSeconds: 3600 }),
  );
  const sqs = await startSqsServer();
  const queueUrl = await sqs.createQueue("orders");
  return {
    description: [
      ["OIDC issuer (the cluster's service-account issuer)", issuer.issuer],
      [`STS emulator trusting it, credentials live ${credentialLifetimeSeconds} s`, sts.endpoint],
      ["projected service-account token (kubelet layout)", tokens.tokenFile],
      ['SQS server (fauxqs), queue "orders"', sqs.endpoint],
    ],
    sqs,
    queueUrl,
    podEnv: {
      // Injected by the EKS pod identity webhook for a ServiceAccount annotated eks.amazonaws.com/role-arn:
      AWS_ROLE_ARN: ROLE_ARN,
      AWS_WEB_IDENTITY_TOKEN_FILE: tokens.tokenFile,
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_STS_REGIONAL_ENDPOINTS: "regional",
      // Only here: the emulators stand in for AWS's endpoints.
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    },
    issuedKeyIds: () => sts.credentialsIssued().map((c) => c.accessKeyId),
    async close() {
      await Promise.allSettled([sqs.close(), sts.close(), issuer.close(), tokens.remove()]);
    },
  };
}

/**
 * IAM Roles Anywhere: a private CA (root + intermediate) registered as a trust anchor, a leaf certificate and key
 * for the workload (files, as a `kubernetes.io/tls` Secret would mount them), and the queue.
 */
export async function startRolesAnywhereWorld(credentialLifetimeSeconds: number): Promise<DemoWorld> {
  const pki = await createTestPki();
  const leaf = await pki.issueLeaf({ subject: "CN=orders-consumer,O=Example", signedBy: "intermediate" });
  const ra = await startRolesAnywhereEmulator({
    trustAnchors: [{ arn: TRUST_ANCHOR_ARN, caCertificatePem: pki.rootCertificatePem }],
    profiles: [{ arn: PROFILE_ARN, roleArns: [ROLE_ARN] }],
    credentialLifetimeSeconds,
  });
  const secretDir = await mkdtemp(join(tmpdir(), "demo-tls-"));
  const certificate = join(secretDir, "tls.crt");
  const privateKey = join(secretDir, "tls.key");
  const chain = join(secretDir, "ca.crt");
  await writeFile(certificate, leaf.certificatePem, { mode: 0o600 });
  await writeFile(privateKey, leaf.privateKeyPem, { mode: 0o600 });
  await writeFile(chain, pki.intermediateCertificatePem, { mode: 0o600 });
  await chmod(secretDir, 0o700);
  const sqs = await startSqsServer();
  const queueUrl = await sqs.createQueue("orders");
  return {
    description: [
      ["private CA registered as trust anchor", TRUST_ANCHOR_ARN],
      ["workload certificate + key (a kubernetes.io/tls Secret)", secretDir],
      [`Roles Anywhere emulator, credentials live ${credentialLifetimeSeconds} s`, ra.endpoint],
      ['SQS server (fauxqs), queue "orders"', sqs.endpoint],
    ],
    sqs,
    queueUrl,
    podEnv: {
      // From the Secret (mounted files) and a ConfigMap of ARNs:
      AWS_ROLES_ANYWHERE_CERTIFICATE: certificate,
      AWS_ROLES_ANYWHERE_PRIVATE_KEY: privateKey,
      AWS_ROLES_ANYWHERE_CERTIFICATE_CHAIN: chain,
      AWS_ROLES_ANYWHERE_TRUST_ANCHOR_ARN: TRUST_ANCHOR_ARN,
      AWS_ROLES_ANYWHERE_PROFILE_ARN: PROFILE_ARN,
      AWS_ROLES_ANYWHERE_ROLE_ARN: ROLE_ARN,
      AWS_REGION: REGION,
      // Only here: the emulators stand in for AWS's endpoints.
      AWS_ENDPOINT_URL_ROLESANYWHERE: ra.endpoint,
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
    },
    issuedKeyIds: () => ra.calls.flatMap((c) => (c.accessKeyId === undefined ? [] : [c.accessKeyId])),
    async close() {
      await Promise.allSettled([sqs.close(), ra.close(), rm(secretDir, { recursive: true, force: true })]);
    },
  };
}
