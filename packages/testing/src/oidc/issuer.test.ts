import { createHash, X509Certificate } from "node:crypto";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OidcIssuer, startOidcIssuer } from "./issuer.js";

describe(startOidcIssuer.name, () => {
  let issuer: OidcIssuer;
  beforeAll(async () => {
    issuer = await startOidcIssuer();
  });
  afterAll(() => issuer.close());

  it("serves a discovery document whose jwks_uri publishes a key with kid and an x5c certificate", async () => {
    const discovery = (await (await fetch(`${issuer.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({ issuer: issuer.issuer, jwks_uri: issuer.jwksUri });
    const { keys } = (await (await fetch(issuer.jwksUri)).json()) as { keys: { kid?: string; x5c?: string[]; n?: string }[] };
    expect(keys).toHaveLength(1);
    const [key] = keys;
    expect(key?.kid).toEqual(expect.any(String));
    const der = Buffer.from(key?.x5c?.[0] ?? "", "base64");
    expect(createHash("sha1").update(der).digest("hex")).toBe(issuer.certificateThumbprint);
    const certificate = new X509Certificate(der);
    expect(certificate.publicKey.export({ format: "jwk" }).n).toBe(key?.n);
  });

  it("mints service-account tokens that verify against its JWKS", async () => {
    const token = await issuer.mintServiceAccountToken({ namespace: "shop", serviceAccount: "orders", lifetimeSeconds: 600 });
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUri)), {
      issuer: issuer.issuer,
      audience: "sts.amazonaws.com",
    });
    expect(payload.sub).toBe("system:serviceaccount:shop:orders");
    expect(payload.aud).toEqual(["sts.amazonaws.com"]);
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(600);
    expect(payload["kubernetes.io"]).toMatchObject({ namespace: "shop", serviceaccount: { name: "orders" } });
  });

  it("signs with a key the JWKS does not publish, under the same kid, when asked for an untrusted signer", async () => {
    const trusted = await issuer.mintServiceAccountToken();
    const untrusted = await issuer.mintServiceAccountToken({ signer: "untrusted" });
    expect(decodeProtectedHeader(untrusted).kid).toBe(decodeProtectedHeader(trusted).kid);
    await expect(jwtVerify(untrusted, createRemoteJWKSet(new URL(issuer.jwksUri)))).rejects.toMatchObject({
      code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
    });
  });
});
