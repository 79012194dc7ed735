import "reflect-metadata";
import { createHash, randomUUID, webcrypto } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import * as x509 from "@peculiar/x509";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";

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

/** A running OIDC issuer on 127.0.0.1, the kind a Kubernetes API server exposes for service-account tokens. */
export interface OidcIssuer {
  /** "http://127.0.0.1:PORT", the `iss` of every token. */
  readonly issuer: string;
  /** Where the JWKS is served, as announced by `/.well-known/openid-configuration`. */
  readonly jwksUri: string;
  /** SHA-1 hex of the DER certificate published in the JWKS `x5c` (for IAM `CreateOpenIDConnectProvider`). */
  readonly certificateThumbprint: string;
  /** Signs a service-account token (`sub` = `system:serviceaccount:NS:SA`). */
  mintServiceAccountToken(claims?: MintServiceAccountTokenOptions): Promise<string>;
  /** Stops the server. */
  close(): Promise<void>;
}

const ALG = "RS256";
type SelfSignedParams = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>;
const JWKS_PATH = "/openid/v1/jwks";

/**
 * Starts an OIDC issuer on 127.0.0.1: an RSA key made with jose, `/.well-known/openid-configuration` and a JWKS whose
 * key carries `kid` and `x5c` (a self-signed certificate for that key — Ceph radosgw insists on it).
 */
export async function startOidcIssuer(options: { port?: number; now?: () => number } = {}): Promise<OidcIssuer> {
  // The clock that dates the JWKS certificate and the tokens; a test with a fixed clock passes the same one here.
  const now = options.now ?? Date.now;
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
  const certificateThumbprint = createHash("sha1").update(der).digest("hex");
  const publicJwk: JWK = {
    ...(await exportJWK(trusted.publicKey)),
    kid,
    alg: ALG,
    use: "sig",
    x5c: [der.toString("base64")],
  };

  let issuer = "";
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    let body: unknown;
    if (request.method === "GET" && path === "/.well-known/openid-configuration") {
      body = {
        issuer,
        jwks_uri: `${issuer}${JWKS_PATH}`,
        response_types_supported: ["id_token"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: [ALG],
      };
    } else if (request.method === "GET" && path === JWKS_PATH) {
      body = { keys: [publicJwk] };
    } else {
      response.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    jwksUri: `${issuer}${JWKS_PATH}`,
    certificateThumbprint,
    async mintServiceAccountToken(claims = {}) {
      const namespace = claims.namespace ?? "default";
      const serviceAccount = claims.serviceAccount ?? "app";
      const audience = claims.audience ?? ["sts.amazonaws.com"];
      const issuedAt = claims.issuedAt ?? new Date(now());
      const iat = Math.floor(issuedAt.getTime() / 1000);
      const nbf = claims.notBefore === undefined ? iat : Math.floor(claims.notBefore.getTime() / 1000);
      const key = claims.signer === "untrusted" ? untrusted.privateKey : trusted.privateKey;
      return new SignJWT({
        "kubernetes.io": {
          namespace,
          pod: { name: `${serviceAccount}-0`, uid: randomUUID() },
          serviceaccount: { name: serviceAccount, uid: randomUUID() },
        },
      })
        .setProtectedHeader({ alg: ALG, kid })
        .setIssuer(issuer)
        .setSubject(`system:serviceaccount:${namespace}:${serviceAccount}`)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setNotBefore(nbf)
        .setExpirationTime(iat + (claims.lifetimeSeconds ?? 3600))
        .setJti(randomUUID())
        .sign(key);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
