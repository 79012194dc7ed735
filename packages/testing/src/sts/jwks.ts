import { createRemoteJWKSet } from "jose";

/** An issuer's remote key set, as jose verifies against it. */
export type IssuerKeys = ReturnType<typeof createRemoteJWKSet>;

/** Finds an issuer's JWKS through its discovery document, once per issuer; a failed lookup is tried again next time. */
export type IssuerKeysResolver = (issuer: string) => Promise<IssuerKeys>;

/** A resolver with its own cache. */
export function createIssuerKeysResolver(): IssuerKeysResolver {
  const byIssuer = new Map<string, Promise<IssuerKeys>>();
  return (issuer) => {
    let keys = byIssuer.get(issuer);
    if (keys === undefined) {
      keys = discoverKeys(issuer);
      keys.catch(() => byIssuer.delete(issuer));
      byIssuer.set(issuer, keys);
    }
    return keys;
  };
}

async function discoverKeys(issuer: string): Promise<IssuerKeys> {
  const response = await fetch(`${issuer}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`discovery answered ${response.status}`);
  const discovery = (await response.json()) as { jwks_uri?: unknown };
  if (typeof discovery.jwks_uri !== "string") throw new Error("discovery has no jwks_uri");
  return createRemoteJWKSet(new URL(discovery.jwks_uri));
}
