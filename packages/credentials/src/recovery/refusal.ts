// Which service errors mean "these credentials are refused" (a refresh can fix it), as opposed to "this identity may
// not do that" (it cannot) and "your clock is off" (the SDK's own clock-skew correction fixes it).
import type { AwsCredentialIdentity } from "@aws-sdk/types";

/**
 * Error codes by which AWS services refuse the credentials themselves; a new set from the source can succeed.
 *
 * - `ExpiredToken` (Query and REST-XML services: STS, S3, SQS Query, IAM) and `ExpiredTokenException` (JSON services:
 *   DynamoDB, SQS JSON, Kinesis): the session's expiration has passed by the service's clock.
 * - `InvalidClientTokenId` (Query services) and `UnrecognizedClientException` (JSON services): the access key or
 *   session token is unknown — the session was revoked, or the keys belong to a deleted role or user.
 * - `InvalidAccessKeyId` (S3): the access key id does not exist.
 * - `InvalidToken` (S3): the session token is malformed or no longer valid.
 * - `TokenRefreshRequired` (S3): the service asks for new credentials in so many words.
 *
 * Not in the list: `AccessDenied`/`AccessDeniedException`/`UnauthorizedOperation` (the identity lacks a permission: new
 * credentials for the same role are refused the same way), `SignatureDoesNotMatch` and the other clock-skew codes
 * below (the SDK corrects its signing clock and retries them itself; a wrong secret is not fixed by asking the same
 * source again), `InvalidIdentityToken` (the web identity token, not the credentials).
 */
export const REFUSED_CREDENTIALS_CODES: readonly string[] = [
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "InvalidAccessKeyId",
  "InvalidToken",
  "TokenRefreshRequired",
];

/** The codes the SDK treats as a skewed signing clock (it corrects the offset and retries): never ours to handle. */
const CLOCK_SKEW_CODES: ReadonlySet<string> = new Set([
  "AuthFailure",
  "InvalidSignatureException",
  "RequestExpired",
  "RequestInTheFuture",
  "RequestTimeTooSkewed",
  "SignatureDoesNotMatch",
]);

/** Why a failed request counts as refused credentials. */
export type RefusalReason =
  /** The service answered one of the refused-credentials codes. */
  | "refused-code"
  /**
   * The service answered 400, 401 or 403 and its own clock (the response's `Date`) is past the credentials'
   * expiration: whatever the code says, they were refused as expired. Ceph radosgw answers `AccessDenied` so.
   */
  | "expired-by-service-clock";

/** A refusal of the credentials that signed a request. */
export interface Refusal {
  /** The service's error code (or the SDK error's name when it has none). */
  readonly code: string;
  readonly reason: RefusalReason;
  readonly httpStatusCode: number | undefined;
}

interface ServiceErrorShape {
  readonly name?: unknown;
  readonly Code?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $response?: { readonly headers?: Readonly<Record<string, string | undefined>> };
}

/** The service's error code: `Code` when the protocol gave one, else the error's name (the SDK names errors by code). */
export function serviceErrorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== "object") return undefined;
  const { Code, name } = error as ServiceErrorShape;
  if (typeof Code === "string" && Code !== "") return Code;
  return typeof name === "string" ? name : undefined;
}

/** The service's clock when it answered: the response's `Date` header, in milliseconds since the epoch. */
function serviceTimeOf(error: ServiceErrorShape): number | undefined {
  const headers = error.$response?.headers;
  if (headers === undefined) return undefined;
  const name = Object.keys(headers).find((key) => key.toLowerCase() === "date");
  const value = name === undefined ? undefined : headers[name];
  const time = value === undefined ? Number.NaN : Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

/**
 * Whether `error`, answered to a request signed with `identity`, says the credentials themselves were refused — and
 * why — or `undefined` when new credentials would not help (permissions, clock skew, throttling, anything else).
 * Permission errors count only when the service's own clock shows the credentials had expired.
 *
 * @param codes - the codes that always count
 */
export function refusalOf(
  error: unknown,
  identity: AwsCredentialIdentity,
  codes: ReadonlySet<string>,
): Refusal | undefined {
  const code = serviceErrorCode(error);
  if (code === undefined || CLOCK_SKEW_CODES.has(code)) return undefined;
  const shape = error as ServiceErrorShape;
  const httpStatusCode = shape.$metadata?.httpStatusCode;
  if (codes.has(code)) return { code, reason: "refused-code", httpStatusCode };
  if (httpStatusCode !== 400 && httpStatusCode !== 401 && httpStatusCode !== 403) return undefined;
  const expiration = identity.expiration?.getTime();
  const serviceTime = serviceTimeOf(shape);
  if (expiration === undefined || serviceTime === undefined || serviceTime < expiration) return undefined;
  return { code, reason: "expired-by-service-clock", httpStatusCode };
}
