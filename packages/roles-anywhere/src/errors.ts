import { redact, WorkloadIdentityError } from "@workload-identity/core";

/** Every `code` an error of this package can carry (documented, with what to do, in the README). */
export type RolesAnywhereErrorCode =
  // options
  | "ROLES_ANYWHERE_INVALID_OPTION"
  | "ROLES_ANYWHERE_INVALID_ARN"
  | "ROLES_ANYWHERE_REGION_MISMATCH"
  | "ROLES_ANYWHERE_INVALID_DURATION"
  | "ROLES_ANYWHERE_ENDPOINT_UNSUPPORTED"
  | "ROLES_ANYWHERE_PKCS11_INVALID_URI"
  // certificate, chain and key
  | "ROLES_ANYWHERE_FILE_UNREADABLE"
  | "ROLES_ANYWHERE_FILE_TOO_LARGE"
  | "ROLES_ANYWHERE_INVALID_CERTIFICATE"
  | "ROLES_ANYWHERE_INVALID_CERTIFICATE_CHAIN"
  | "ROLES_ANYWHERE_INVALID_PRIVATE_KEY"
  | "ROLES_ANYWHERE_PASSPHRASE_REQUIRED"
  | "ROLES_ANYWHERE_PASSPHRASE_INCORRECT"
  | "ROLES_ANYWHERE_UNSUPPORTED_KEY"
  | "ROLES_ANYWHERE_KEY_MISMATCH"
  | "ROLES_ANYWHERE_CERTIFICATE_EXPIRED"
  | "ROLES_ANYWHERE_CERTIFICATE_NOT_YET_VALID"
  // keys in a token (PKCS#11)
  | Pkcs11ErrorCode
  // the CreateSession call
  | "ROLES_ANYWHERE_SERVICE_ERROR"
  | "ROLES_ANYWHERE_NETWORK_ERROR"
  | "ROLES_ANYWHERE_INVALID_RESPONSE";

/** An option of `fromRolesAnywhere` (or a CLI flag mapped to one) is missing or malformed. Thrown synchronously. */
export class RolesAnywhereOptionError extends WorkloadIdentityError {
  declare readonly code: RolesAnywhereErrorCode;
  /** The option at fault, e.g. `trustAnchorArn`. */
  readonly option: string;

  constructor(
    code: Extract<
      RolesAnywhereErrorCode,
      | "ROLES_ANYWHERE_INVALID_OPTION"
      | "ROLES_ANYWHERE_INVALID_ARN"
      | "ROLES_ANYWHERE_REGION_MISMATCH"
      | "ROLES_ANYWHERE_INVALID_DURATION"
      | "ROLES_ANYWHERE_ENDPOINT_UNSUPPORTED"
      | "ROLES_ANYWHERE_PKCS11_INVALID_URI"
    >,
    option: string,
    message: string,
  ) {
    super(code, message);
    this.option = option;
  }
}

/**
 * The certificate, its chain or the private key cannot be used: unreadable, malformed, encrypted without (or with the
 * wrong) passphrase, of an unsupported type, not matching, or outside its validity period. Raised before any request.
 * Messages name the file and the certificate (subject, serial, dates), never key material or the passphrase.
 */
export class CertificateMaterialError extends WorkloadIdentityError {
  declare readonly code: RolesAnywhereErrorCode;

  constructor(
    code: Extract<
      RolesAnywhereErrorCode,
      | "ROLES_ANYWHERE_FILE_UNREADABLE"
      | "ROLES_ANYWHERE_FILE_TOO_LARGE"
      | "ROLES_ANYWHERE_INVALID_CERTIFICATE"
      | "ROLES_ANYWHERE_INVALID_CERTIFICATE_CHAIN"
      | "ROLES_ANYWHERE_INVALID_PRIVATE_KEY"
      | "ROLES_ANYWHERE_PASSPHRASE_REQUIRED"
      | "ROLES_ANYWHERE_PASSPHRASE_INCORRECT"
      | "ROLES_ANYWHERE_UNSUPPORTED_KEY"
      | "ROLES_ANYWHERE_KEY_MISMATCH"
      | "ROLES_ANYWHERE_CERTIFICATE_EXPIRED"
      | "ROLES_ANYWHERE_CERTIFICATE_NOT_YET_VALID"
    >,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(code, message, options);
  }
}

/** The codes of {@link Pkcs11Error}. */
export type Pkcs11ErrorCode =
  | "ROLES_ANYWHERE_PKCS11_UNAVAILABLE"
  | "ROLES_ANYWHERE_PKCS11_MODULE_NOT_LOADABLE"
  | "ROLES_ANYWHERE_PKCS11_TOKEN_NOT_FOUND"
  | "ROLES_ANYWHERE_PKCS11_PIN_REQUIRED"
  | "ROLES_ANYWHERE_PKCS11_PIN_INCORRECT"
  | "ROLES_ANYWHERE_PKCS11_OBJECT_NOT_FOUND"
  | "ROLES_ANYWHERE_PKCS11_AMBIGUOUS"
  | "ROLES_ANYWHERE_PKCS11_TIMEOUT"
  | "ROLES_ANYWHERE_PKCS11_FAILED";

/**
 * A key (or certificate) in a PKCS#11 token cannot be used: the binding or the module cannot be loaded, the token or
 * object is not there or not unique, the PIN is missing or wrong, or a token call failed or took too long. Messages
 * name the URI without its `pin-value`; the PIN itself is never in a message or cause.
 */
export class Pkcs11Error extends WorkloadIdentityError {
  declare readonly code: Pkcs11ErrorCode;
  /** The Cryptoki return value behind the error (e.g. `CKR_PIN_INCORRECT`), when a token call failed. */
  readonly returnValue: string | undefined;

  constructor(code: Pkcs11ErrorCode, message: string, options: { cause?: unknown; returnValue?: string } = {}) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.returnValue = options.returnValue;
  }
}

/** IAM Roles Anywhere answered CreateSession with an error. AWS's error type, message and request id are kept. */
export class RolesAnywhereServiceError extends WorkloadIdentityError {
  declare readonly code: "ROLES_ANYWHERE_SERVICE_ERROR";
  /** AWS's error type, e.g. `AccessDeniedException`, `ValidationException`, `ResourceNotFoundException`. */
  readonly errorType: string;
  /** The `x-amzn-RequestId` of the failed call, to quote to AWS Support; `undefined` when absent. */
  readonly requestId: string | undefined;
  /** The HTTP status of the answer. */
  readonly statusCode: number;
  /** AWS's own message (its JSON `message`, shortened and redacted); the body itself is never kept. */
  readonly serviceMessage: string;

  constructor(details: { errorType: string; serviceMessage: string; requestId: string | undefined; statusCode: number }) {
    const requestId = details.requestId === undefined ? "" : `, request id ${details.requestId}`;
    super(
      "ROLES_ANYWHERE_SERVICE_ERROR",
      `IAM Roles Anywhere CreateSession failed with ${details.errorType} (HTTP ${details.statusCode}${requestId}): ` +
        `${details.serviceMessage.replace(/\.+$/, "") || "no message"}. ${hintFor(details.errorType, details.statusCode)}`,
    );
    this.errorType = details.errorType;
    this.requestId = details.requestId;
    this.statusCode = details.statusCode;
    this.serviceMessage = redact(details.serviceMessage);
  }
}

/** CreateSession could not be sent, timed out, or answered something that is not a credential set. */
export class RolesAnywhereRequestError extends WorkloadIdentityError {
  declare readonly code: RolesAnywhereErrorCode;

  constructor(
    code: Extract<RolesAnywhereErrorCode, "ROLES_ANYWHERE_NETWORK_ERROR" | "ROLES_ANYWHERE_INVALID_RESPONSE">,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(code, message, options);
  }
}

function hintFor(errorType: string, statusCode: number): string {
  if (errorType === "AccessDeniedException" || statusCode === 403) {
    return (
      "Check that the certificate chains to the trust anchor's CA and is not revoked, that the trust anchor and " +
      "profile are enabled, that the profile lists the role, and that the role's trust policy lets " +
      "rolesanywhere.amazonaws.com call sts:AssumeRole, sts:TagSession and sts:SetSourceIdentity."
    );
  }
  if (errorType === "ValidationException" || statusCode === 400) {
    return "Check the ARNs, the session duration (at most the profile's durationSeconds) and the role session name.";
  }
  if (errorType === "ResourceNotFoundException" || statusCode === 404) {
    return "Check that the trust anchor and profile ARNs exist in this account and region.";
  }
  if (statusCode === 429 || errorType.startsWith("Throttling")) {
    return "CreateSession is rate-limited; cache the credentials (the provider refreshes ahead of expiry) and retry later.";
  }
  return "The provider retries on the next refresh.";
}
