// Who the web identity token says the caller is, checked as STS does: an issuer some role trusts, the signature
// against that issuer's published keys, issuer, audience and dates on STS's clock, then the role's trust condition.
import { decodeJwt, errors as joseErrors, type JWTPayload, jwtVerify } from "jose";
import type { IssuerKeys, IssuerKeysResolver } from "./jwks.js";
import { idpCommunicationError, StsError } from "./sts-error.js";
import type { StsCallDraft, StsEmulatorRole } from "./types.js";

const DEFAULT_AUDIENCE = "sts.amazonaws.com";

/** What STS needs to authenticate a token. */
export interface TokenAuthority {
  readonly roles: readonly StsEmulatorRole[];
  readonly issuerKeys: IssuerKeysResolver;
  readonly now: () => number;
}

/** A token that verified, and the role whose trust condition it meets. */
export interface AuthenticatedToken {
  readonly claims: JWTPayload;
  readonly role: StsEmulatorRole;
  /** The audience the role trusts (and the token carries). */
  readonly audience: string;
}

/** Authenticates `token` for `roleArn`; records its `sub` and `jti` even when it is refused. */
export async function authenticateToken(
  token: string,
  roleArn: string,
  authority: TokenAuthority,
  call: StsCallDraft,
): Promise<AuthenticatedToken> {
  const claims = decodeClaims(token);
  if (typeof claims.sub === "string") call.subject = claims.sub;
  if (typeof claims.jti === "string") call.tokenId = claims.jti;
  const trusting = authority.roles.filter((role) => role.issuer === claims.iss);
  if (trusting.length === 0) {
    throw new StsError(400, "InvalidIdentityToken", `No OpenIDConnect provider found in your account for ${String(claims.iss)}`);
  }
  const keys = await authority.issuerKeys(trusting[0]?.issuer ?? "").catch(() => {
    throw idpCommunicationError();
  });
  await verifyToken(token, claims, keys, trusting, authority.now);
  return authorizeRole(trusting, roleArn, claims);
}

function decodeClaims(token: string): JWTPayload {
  try {
    return decodeJwt(token);
  } catch {
    throw new StsError(400, "InvalidIdentityToken", "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)");
  }
}

async function verifyToken(
  token: string,
  claims: JWTPayload,
  keys: IssuerKeys,
  trusting: readonly StsEmulatorRole[],
  now: () => number,
): Promise<void> {
  const audiences = [...new Set(trusting.map((role) => role.audience ?? DEFAULT_AUDIENCE))];
  try {
    await jwtVerify(token, keys, { issuer: claims.iss ?? "", audience: audiences, currentDate: new Date(now()), clockTolerance: 0 });
  } catch (error) {
    throw verificationError(error, claims, now);
  }
}

/** STS's answer to a token jose refused. */
function verificationError(error: unknown, claims: JWTPayload, now: () => number): StsError {
  if (error instanceof joseErrors.JWTExpired) {
    // STS's own wording, epoch seconds and the missing space included.
    return new StsError(400, "ExpiredTokenException", `Token expired: current date/time ${Math.floor(now() / 1000)} must be before the expiration date/time${claims.exp ?? 0}`);
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === "aud") {
    return new StsError(400, "InvalidIdentityToken", "Incorrect token audience");
  }
  if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === "nbf") {
    return new StsError(400, "InvalidIdentityToken", "Token is not yet valid");
  }
  // The JWKS could not be fetched: a network failure (not a JOSEError), a timeout, a non-200 or non-JSON answer.
  if (!(error instanceof joseErrors.JOSEError) || error.code === "ERR_JWKS_TIMEOUT" || error.code === "ERR_JOSE_GENERIC") {
    return idpCommunicationError();
  }
  return new StsError(400, "InvalidIdentityToken", "Couldn't verify the signature of the web identity token");
}

/** The role's trust condition: this issuer, the role's audience, a subject it allows. */
function authorizeRole(trusting: readonly StsEmulatorRole[], roleArn: string, claims: JWTPayload): AuthenticatedToken {
  const role = trusting.find((candidate) => candidate.arn === roleArn);
  const audience = role?.audience ?? DEFAULT_AUDIENCE;
  const tokenAudiences = typeof claims.aud === "string" ? [claims.aud] : (claims.aud ?? []);
  if (role === undefined || !tokenAudiences.includes(audience) || !role.allowedSubjects.some((pattern) => matches(pattern, claims.sub ?? ""))) {
    throw new StsError(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
  }
  return { claims, role, audience };
}

/** IAM `StringLike`: `*` matches any run of characters. */
function matches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return regex.test(value);
}
