import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { SourceReturnedInvalidCredentialsError } from "./errors.js";

/**
 * Refuses what a signer cannot use, so a broken source fails its refresh instead of every request later.
 * The error names the field and the rule, never the value: a malformed field may still hold part of a secret.
 */
export function checkCredentials(credentials: AwsCredentialIdentity): void {
  if (credentials === null || typeof credentials !== "object") {
    throw new SourceReturnedInvalidCredentialsError("the result is not an object");
  }
  if (!isUsableString(credentials.accessKeyId) || !isUsableString(credentials.secretAccessKey)) {
    throw new SourceReturnedInvalidCredentialsError(
      "accessKeyId and secretAccessKey must be non-empty strings that are not only whitespace",
    );
  }
  const { sessionToken } = credentials as { sessionToken?: unknown };
  if (sessionToken !== undefined && !isUsableString(sessionToken)) {
    throw new SourceReturnedInvalidCredentialsError(
      "sessionToken, when present, must be a non-empty string that is not only whitespace",
    );
  }
  const { expiration } = credentials as { expiration?: unknown };
  if (expiration !== undefined && !(expiration instanceof Date && !Number.isNaN(expiration.getTime()))) {
    throw new SourceReturnedInvalidCredentialsError("expiration is not a valid Date");
  }
}

function isUsableString(value: unknown): value is string {
  return typeof value === "string" && value.trim() !== "";
}
