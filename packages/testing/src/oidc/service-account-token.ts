import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { ALG, type IssuerKeys } from "./signing-keys.js";

/** Claims of a minted service-account token; every field has a Kubernetes-like default. */
export interface MintServiceAccountTokenOptions {
  /** @defaultValue "default" */
  namespace?: string;
  /** @defaultValue "app" */
  serviceAccount?: string;
  /** @defaultValue ["sts.amazonaws.com"] */
  audience?: string | string[];
  /** @defaultValue 3600 */
  lifetimeSeconds?: number;
  /** @defaultValue the issuer's clock */
  issuedAt?: Date;
  /** @defaultValue issuedAt */
  notBefore?: Date;
  /**
   * "untrusted" signs with a key the JWKS does not publish, under the same `kid`, as a rotated-away or forged key would.
   * @defaultValue "issuer"
   */
  signer?: "issuer" | "untrusted";
}

/** Signs a token shaped as the Kubernetes API server's (`sub` = `system:serviceaccount:NS:SA`, `kubernetes.io` claims). */
export function mintServiceAccountToken(
  keys: IssuerKeys,
  issuer: string,
  now: () => number,
  claims: MintServiceAccountTokenOptions = {},
): Promise<string> {
  const namespace = claims.namespace ?? "default";
  const serviceAccount = claims.serviceAccount ?? "app";
  const iat = Math.floor((claims.issuedAt ?? new Date(now())).getTime() / 1000);
  const nbf = claims.notBefore === undefined ? iat : Math.floor(claims.notBefore.getTime() / 1000);
  return new SignJWT({
    "kubernetes.io": {
      namespace,
      pod: { name: `${serviceAccount}-0`, uid: randomUUID() },
      serviceaccount: { name: serviceAccount, uid: randomUUID() },
    },
  })
    .setProtectedHeader({ alg: ALG, kid: keys.kid })
    .setIssuer(issuer)
    .setSubject(`system:serviceaccount:${namespace}:${serviceAccount}`)
    .setAudience(claims.audience ?? ["sts.amazonaws.com"])
    .setIssuedAt(iat)
    .setNotBefore(nbf)
    .setExpirationTime(iat + (claims.lifetimeSeconds ?? 3600))
    .setJti(randomUUID())
    .sign(claims.signer === "untrusted" ? keys.untrusted : keys.trusted);
}
