// One Ceph radosgw (real STS and S3) with an OIDC issuer it trusts and three roles, for the interop tests:
//   orders   (role A) — AssumeRoleWithWebIdentity for system:serviceaccount:shop:orders; S3 on orders-* buckets, and
//                      ListBuckets
//   reports  (role B) — AssumeRole for role A; S3 on reports-* buckets
//   vault    (role C) — AssumeRole for the admin user only: role A is refused
// radosgw optionally runs on a movable clock (libfaketime), so a test can make it see credentials as expired.
import {
  createMovableClock,
  createWebIdentityRole,
  createProjectedTokenDir,
  type MovableClock,
  type OidcIssuer,
  type ProjectedTokenDir,
  type Radosgw,
  startOidcIssuer,
  startRadosgw,
} from "@workload-identity/testing";
import { vi } from "vitest";

export const TRUSTED_SUBJECT = "system:serviceaccount:shop:orders";

export interface RadosgwWorld {
  readonly radosgw: Radosgw;
  readonly issuer: OidcIssuer;
  readonly tokenDir: ProjectedTokenDir;
  /** radosgw's clock, when it runs on one that moves. */
  readonly clock: MovableClock | undefined;
  readonly roles: { readonly orders: string; readonly reports: string; readonly vault: string };
  /** Stubs the environment the EKS webhook gives a pod of shop/orders, STS pointed at radosgw, and writes its token. */
  configurePod(): Promise<void>;
  close(): Promise<void>;
}

const policy = (action: string, resource: string) => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: [action], Resource: [resource] }],
});

async function createRoles(radosgw: Radosgw, issuer: OidcIssuer): Promise<RadosgwWorld["roles"]> {
  const { roleArn: orders } = await createWebIdentityRole(radosgw, issuer, { roleName: "orders", subject: TRUSTED_SUBJECT });
  await radosgw.iam.putRolePolicy({ roleName: "orders", policyName: "s3", policy: policy("s3:*", "arn:aws:s3:::orders-*") });
  await radosgw.iam.putRolePolicy({ roleName: "orders", policyName: "list", policy: policy("s3:ListAllMyBuckets", "*") });
  await radosgw.iam.putRolePolicy({ roleName: "orders", policyName: "chain", policy: policy("sts:AssumeRole", "*") });
  const trusting = (principal: string) => ({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: [principal] }, Action: ["sts:AssumeRole"] }],
  });
  const reports = await radosgw.iam.createRole({ roleName: "reports", trustPolicy: trusting(orders) });
  await radosgw.iam.putRolePolicy({ roleName: "reports", policyName: "s3", policy: policy("s3:*", "arn:aws:s3:::reports-*") });
  const vault = await radosgw.iam.createRole({ roleName: "vault", trustPolicy: trusting("arn:aws:iam:::user/wi-admin") });
  return { orders, reports, vault };
}

/** Starts the world; `movableClock` puts radosgw (the gateway alone) on a libfaketime clock the test moves. */
export async function startRadosgwWorld(options: { movableClock: boolean }): Promise<RadosgwWorld> {
  const clock = options.movableClock ? await createMovableClock() : undefined;
  const radosgw = await startRadosgw(clock === undefined ? {} : { gatewayEnv: clock.env });
  if (radosgw === undefined) throw new Error("radosgw is not installed");
  const issuer = await startOidcIssuer();
  const tokenDir = await createProjectedTokenDir();
  const roles = await createRoles(radosgw, issuer);
  return {
    radosgw,
    issuer,
    tokenDir,
    clock,
    roles,
    async configurePod() {
      vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", tokenDir.tokenFile);
      vi.stubEnv("AWS_ROLE_ARN", roles.orders);
      vi.stubEnv("AWS_REGION", "us-east-1");
      vi.stubEnv("AWS_ENDPOINT_URL_STS", radosgw.endpoint);
      // Long enough to stay valid for radosgw when its clock jumps hours ahead.
      await tokenDir.write(await issuer.mintServiceAccountToken({ namespace: "shop", serviceAccount: "orders", lifetimeSeconds: 6 * 3600 }));
    },
    async close() {
      await Promise.allSettled([radosgw.close(), issuer.close(), tokenDir.remove(), clock?.remove()]);
    },
  };
}
