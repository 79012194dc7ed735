import type { EmulatorAnswer, EmulatorRequest } from "../harness/emulator-server.js";
import { startEmulatorServer } from "../harness/emulator-server.js";
import { type MintServiceAccountTokenOptions, mintServiceAccountToken } from "./service-account-token.js";
import { ALG, createIssuerKeys, type IssuerKeys } from "./signing-keys.js";

/** Options of {@link startOidcIssuer}. */
export interface OidcIssuerOptions {
  /** @defaultValue 0 (any free port) */
  port?: number;
  /**
   * The clock that dates the JWKS certificate and the tokens; a test with a fixed clock passes the same one here.
   * @defaultValue Date.now
   */
  now?: () => number;
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

const JWKS_PATH = "/openid/v1/jwks";

/**
 * Starts an OIDC issuer on 127.0.0.1: an RSA key made with jose, `/.well-known/openid-configuration` and a JWKS whose
 * key carries `kid` and `x5c` (a self-signed certificate for that key — Ceph radosgw insists on it).
 */
export async function startOidcIssuer(options: OidcIssuerOptions = {}): Promise<OidcIssuer> {
  const now = options.now ?? Date.now;
  const keys = await createIssuerKeys(now);
  let issuer = "";
  const server = await startEmulatorServer((request) => discoveryAnswer(request, issuer, keys), options);
  issuer = server.endpoint;
  return {
    issuer,
    jwksUri: `${issuer}${JWKS_PATH}`,
    certificateThumbprint: keys.certificateThumbprint,
    mintServiceAccountToken: (claims) => mintServiceAccountToken(keys, issuer, now, claims),
    close: () => server.close(),
  };
}

/** The discovery document and the JWKS; 404 for anything else. */
function discoveryAnswer(request: EmulatorRequest, issuer: string, keys: IssuerKeys): EmulatorAnswer {
  const path = request.url.pathname;
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
    body = { keys: [keys.publicJwk] };
  } else {
    return { status: 404, headers: { "content-type": "text/plain" }, body: "not found" };
  }
  return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
