import type { OidcIssuer } from "./oidc/issuer.js";
import type { Radosgw } from "./radosgw.js";

/** What {@link createWebIdentityRole} made in radosgw. */
export interface WebIdentityRole {
  /** `arn:aws:iam:::oidc-provider/HOST:PORT/PATH`: the issuer without its scheme. */
  readonly providerArn: string;
  readonly roleArn: string;
}

/**
 * Registers `issuer` with radosgw's IAM as an EKS cluster's issuer is with AWS's (the audience the tokens carry, the
 * thumbprint of the certificate in the JWKS `x5c`), and creates a role it may be assumed with by tokens whose `sub`
 * is `subject`.
 */
export async function createWebIdentityRole(
  radosgw: Radosgw,
  issuer: OidcIssuer,
  options: { roleName: string; subject: string },
): Promise<WebIdentityRole> {
  const providerArn = await radosgw.iam.createOpenIdConnectProvider({
    url: issuer.issuer,
    clientIds: ["sts.amazonaws.com"],
    thumbprints: [issuer.certificateThumbprint],
  });
  const issuerHostPath = issuer.issuer.replace(/^https?:\/\//, "");
  const roleArn = await radosgw.iam.createRole({
    roleName: options.roleName,
    trustPolicy: {
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Federated: [providerArn] },
          Action: ["sts:AssumeRoleWithWebIdentity"],
          Condition: { StringEquals: { [`${issuerHostPath}:sub`]: options.subject } },
        },
      ],
    },
  });
  return { providerArn, roleArn };
}
