import type { IssuedCredentials, IssuedSession } from "./issued-credentials.js";
import { StsError } from "./sts-error.js";

const CREDENTIAL_SCOPE = /Credential=([^/,\s]+)\//;

/**
 * The session that signed a call, found by the access key id of its SigV4 `Authorization` header (the signature
 * itself is not checked); STS's errors for an unknown or expired key.
 */
export function authenticateCaller(authorization: string | undefined, issued: IssuedCredentials, nowMs: number): IssuedSession {
  const accessKeyId = CREDENTIAL_SCOPE.exec(authorization ?? "")?.[1];
  const found = accessKeyId === undefined ? undefined : issued.find(accessKeyId);
  if (found === undefined) throw new StsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
  if (found.expiration.getTime() <= nowMs) throw new StsError(400, "ExpiredToken", "The security token included in the request is expired");
  return found;
}
