import { redact, WorkloadIdentityError } from "@workload-identity/core";

/** Neither the token file nor the role ARN is configured: a credential chain should try its next source. */
export class WebIdentityNotConfiguredError extends WorkloadIdentityError {
  constructor() {
    super(
      "WEB_IDENTITY_NOT_CONFIGURED",
      "Web identity is not configured: set AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN (on EKS the pod identity " +
        "webhook injects both when the service account has the eks.amazonaws.com/role-arn annotation), or pass " +
        "webIdentityTokenFile and roleArn.",
      { tryNextLink: true },
    );
  }
}

/** Codes of {@link WebIdentityConfigurationError}. */
export type WebIdentityConfigurationErrorCode =
  | "WEB_IDENTITY_INCOMPLETE_CONFIGURATION"
  | "WEB_IDENTITY_INVALID_CONFIGURATION"
  | "WEB_IDENTITY_REGION_MISSING";

/** Web identity is configured, but wrongly or partly (a missing variable, a bad session name, no region). */
export class WebIdentityConfigurationError extends WorkloadIdentityError {
  declare readonly code: WebIdentityConfigurationErrorCode;
  constructor(code: WebIdentityConfigurationErrorCode, message: string) {
    super(code, message);
  }
}

/** Codes of {@link WebIdentityTokenFileError}. */
export type WebIdentityTokenFileErrorCode = "WEB_IDENTITY_TOKEN_FILE_UNREADABLE" | "WEB_IDENTITY_TOKEN_FILE_EMPTY";

/** The token file could not be read, or is empty. */
export class WebIdentityTokenFileError extends WorkloadIdentityError {
  declare readonly code: WebIdentityTokenFileErrorCode;
  /** The path that was read. */
  readonly path: string;
  constructor(code: WebIdentityTokenFileErrorCode, path: string, message: string, cause?: unknown) {
    super(code, message, { cause });
    this.path = redact(path);
  }
}

/** Codes of {@link WebIdentityTokenError}. */
export type WebIdentityTokenErrorCode =
  | "WEB_IDENTITY_TOKEN_MALFORMED"
  | "WEB_IDENTITY_TOKEN_EXPIRED"
  | "WEB_IDENTITY_TOKEN_NOT_YET_VALID";

/** The token is not a JWT, or its validity window excludes now. Its message names claims, never the token. */
export class WebIdentityTokenError extends WorkloadIdentityError {
  declare readonly code: WebIdentityTokenErrorCode;
  constructor(code: WebIdentityTokenErrorCode, message: string, cause?: unknown) {
    super(code, message, { cause });
  }
}

/** Codes of {@link StsRequestError}, one per STS error worth acting on differently. */
export type StsRequestErrorCode =
  | "STS_INVALID_IDENTITY_TOKEN"
  | "STS_EXPIRED_TOKEN"
  | "STS_ACCESS_DENIED"
  | "STS_IDP_REJECTED_CLAIM"
  | "STS_IDP_COMMUNICATION_ERROR"
  | "STS_PACKED_POLICY_TOO_LARGE"
  | "STS_MALFORMED_POLICY_DOCUMENT"
  | "STS_REGION_DISABLED"
  | "STS_THROTTLING"
  | "STS_TIMEOUT"
  | "STS_VALIDATION_ERROR"
  | "STS_INVALID_RESPONSE"
  | "STS_REQUEST_FAILED";

/** Details of a failed STS call, kept on {@link StsRequestError}. */
export interface StsFailure {
  /** The STS error code as sent on the wire (e.g. `InvalidIdentityToken`), or the client error's name. */
  readonly stsCode: string;
  /** STS's own message (redacted: an endpoint that echoes the request would quote the token). */
  readonly stsMessage: string;
  /** `x-amzn-RequestId`, to quote to AWS support or find in CloudTrail. */
  readonly requestId: string | undefined;
  /** The HTTP status of STS's answer; undefined for a network failure. */
  readonly httpStatusCode: number | undefined;
}

/** STS refused the AssumeRoleWithWebIdentity call, or could not be reached. */
export class StsRequestError extends WorkloadIdentityError {
  declare readonly code: StsRequestErrorCode;
  /** The STS error code as sent on the wire, e.g. `InvalidIdentityToken`; see {@link StsFailure.stsCode}. */
  readonly stsCode: string;
  /** STS's request id, to quote to AWS support or find in CloudTrail; undefined when STS was not reached. */
  readonly requestId: string | undefined;
  /** The HTTP status STS answered with; undefined when it was not reached. */
  readonly httpStatusCode: number | undefined;
  constructor(code: StsRequestErrorCode, failure: StsFailure, advice: string, cause?: unknown) {
    const requestId = failure.requestId === undefined ? "" : `, request id ${failure.requestId}`;
    super(code, `STS AssumeRoleWithWebIdentity failed with ${failure.stsCode}${requestId}: ${failure.stsMessage} ${advice}`.trim(), {
      cause,
    });
    this.stsCode = failure.stsCode;
    this.requestId = failure.requestId;
    this.httpStatusCode = failure.httpStatusCode;
  }
}
