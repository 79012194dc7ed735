// The decoder alone: the whole of jose would cost every importer of this package tens of milliseconds.
import { decodeJwt } from "jose/jwt/decode";
import type { JWTPayload } from "jose";
import { WebIdentityTokenError } from "./errors.js";

/** What a web identity token says about itself, decoded without verifying its signature. */
export interface WebIdentityTokenClaims {
  /** `iss`: the OIDC issuer STS will fetch the keys of. */
  issuer?: string;
  /** `sub`: for Kubernetes, `system:serviceaccount:NAMESPACE:NAME`. */
  subject?: string;
  /** `aud`, always an array, empty when the token names no audience. */
  audience: string[];
  /** `exp` */
  expiresAt?: Date;
  /** `nbf` */
  notBefore?: Date;
  /** `iat` */
  issuedAt?: Date;
}

/**
 * How far ahead of this machine's clock a token's `nbf` may be before it is refused here. The issuer (the Kubernetes
 * API server) stamps `nbf` with its own clock, and a node a second behind would otherwise refuse a token the kubelet
 * has just projected; STS, the real judge, tolerates skew too. Kubernetes' own token validation allows a minute.
 */
export const NOT_BEFORE_LEEWAY_MS = 60_000;

/**
 * Decodes a web identity token (a JWT) without verifying it — STS does that — to explain what it claims.
 * Never returns, logs or puts the token itself in an error.
 *
 * @throws WebIdentityTokenError `WEB_IDENTITY_TOKEN_MALFORMED` when the text is not a JWT
 */
export function describeWebIdentityToken(token: string): WebIdentityTokenClaims {
  return decodeWebIdentityToken(token, undefined);
}

/** {@link describeWebIdentityToken}, naming the file the token was read from when it is not a JWT. */
export function decodeWebIdentityToken(token: string, path: string | undefined): WebIdentityTokenClaims {
  let payload: JWTPayload;
  try {
    payload = decodeJwt(token.trim());
  } catch (error) {
    throw new WebIdentityTokenError(
      "WEB_IDENTITY_TOKEN_MALFORMED",
      `The web identity token${path === undefined ? "" : ` in ${path}`} is not a JWT (three base64url parts with a ` +
        "JSON payload). Check that the file holds a service-account token projected by the kubelet, not another secret.",
      error,
    );
  }
  const claims: WebIdentityTokenClaims = {
    audience: typeof payload.aud === "string" ? [payload.aud] : Array.isArray(payload.aud) ? [...payload.aud] : [],
  };
  if (typeof payload.iss === "string") claims.issuer = payload.iss;
  if (typeof payload.sub === "string") claims.subject = payload.sub;
  if (typeof payload.exp === "number") claims.expiresAt = new Date(payload.exp * 1000);
  if (typeof payload.nbf === "number") claims.notBefore = new Date(payload.nbf * 1000);
  if (typeof payload.iat === "number") claims.issuedAt = new Date(payload.iat * 1000);
  return claims;
}

/** `iss=…, sub=…, aud=…, exp=…`: what a message may say about a token. */
export function summarizeClaims(claims: WebIdentityTokenClaims): string {
  return [
    `iss=${claims.issuer ?? "(none)"}`,
    `sub=${claims.subject ?? "(none)"}`,
    `aud=${claims.audience.length === 0 ? "(none)" : claims.audience.join(",")}`,
    `exp=${claims.expiresAt?.toISOString() ?? "(none)"}`,
  ].join(", ");
}

/**
 * Fails early, before STS is asked, on a token whose validity window excludes `nowMs`: past its `exp`, or more than
 * {@link NOT_BEFORE_LEEWAY_MS} before its `nbf`.
 */
export function assertTokenCurrent(claims: WebIdentityTokenClaims, nowMs: number, path: string): void {
  if (claims.expiresAt !== undefined && claims.expiresAt.getTime() <= nowMs) {
    throw new WebIdentityTokenError(
      "WEB_IDENTITY_TOKEN_EXPIRED",
      `The web identity token in ${path} expired at ${claims.expiresAt.toISOString()} (now ${new Date(nowMs).toISOString()}; ` +
        `${summarizeClaims(claims)}): the projected token is not being rotated. Check that the kubelet still runs and ` +
        "that the file is a projected serviceAccountToken volume, not a copy.",
    );
  }
  if (claims.notBefore !== undefined && claims.notBefore.getTime() > nowMs + NOT_BEFORE_LEEWAY_MS) {
    throw new WebIdentityTokenError(
      "WEB_IDENTITY_TOKEN_NOT_YET_VALID",
      `The web identity token in ${path} is not valid before ${claims.notBefore.toISOString()} (now ` +
        `${new Date(nowMs).toISOString()}; ${summarizeClaims(claims)}). Check this machine's clock (and the issuer's): ` +
        "they differ by more than a minute.",
    );
  }
}
