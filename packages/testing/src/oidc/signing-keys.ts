import "reflect-metadata";
import { createHash, randomUUID, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { type CryptoKey, exportJWK, generateKeyPair, type JWK } from "jose";

/** The issuer's keys: the one its JWKS publishes, and one it does not, under the same `kid`. */
export interface IssuerKeys {
  readonly kid: string;
  readonly trusted: CryptoKey;
  /** Signs as a rotated-away or forged key would. */
  readonly untrusted: CryptoKey;
  /** The published key, with `kid`, `alg`, `use` and `x5c`. */
  readonly publicJwk: JWK;
  /** SHA-1 hex of the DER certificate in `x5c` (for IAM `CreateOpenIDConnectProvider`). */
  readonly certificateThumbprint: string;
}

/** The tokens' algorithm. */
export const ALG = "RS256";

type SelfSignedParams = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>;

/**
 * RSA keys made with jose, and a self-signed certificate for the published one (Ceph radosgw insists on `x5c`),
 * dated by `now`: valid from a day before to a year after.
 */
export async function createIssuerKeys(now: () => number): Promise<IssuerKeys> {
  const trusted = await generateKeyPair(ALG, { extractable: true, modulusLength: 2048 });
  const untrusted = await generateKeyPair(ALG, { modulusLength: 2048 });
  const kid = randomUUID();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: "01",
      name: "CN=workload-identity test OIDC issuer",
      notBefore: new Date(now() - 86_400_000),
      notAfter: new Date(now() + 365 * 86_400_000),
      keys: trusted as unknown as SelfSignedParams[0]["keys"],
      signingAlgorithm: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    },
    webcrypto as unknown as SelfSignedParams[1],
  );
  const der = Buffer.from(certificate.rawData);
  const publicJwk: JWK = { ...(await exportJWK(trusted.publicKey)), kid, alg: ALG, use: "sig", x5c: [der.toString("base64")] };
  return {
    kid,
    trusted: trusted.privateKey,
    untrusted: untrusted.privateKey,
    publicJwk,
    certificateThumbprint: createHash("sha1").update(der).digest("hex"),
  };
}
