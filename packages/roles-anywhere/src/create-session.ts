import { ProxyError, redact } from "@workload-identity/core";
import { RolesAnywhereRequestError, RolesAnywhereServiceError } from "./errors.js";

/** The credentials of CreateSession's `credentialSet[0]`. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
  /** The answer's `x-amzn-RequestId`, for logs; `undefined` when absent. */
  readonly requestId?: string | undefined;
}

/** The CreateSession request body, in the field order AWS's helper sends. */
export interface CreateSessionBody {
  readonly durationSeconds: number;
  readonly profileArn: string;
  readonly roleArn: string;
  readonly trustAnchorArn: string;
  readonly roleSessionName?: string | undefined;
}

/** `JSON.stringify` of the body, leaving `roleSessionName` out when not given. */
export function serializeCreateSessionBody(body: CreateSessionBody): string {
  // Fields are picked one by one: callers pass wider objects (the resolved options hold the passphrase).
  const { durationSeconds, profileArn, roleArn, trustAnchorArn, roleSessionName } = body;
  return JSON.stringify(
    roleSessionName === undefined
      ? { durationSeconds, profileArn, roleArn, trustAnchorArn }
      : { durationSeconds, profileArn, roleArn, trustAnchorArn, roleSessionName },
  );
}

/**
 * Sends a signed CreateSession request and reads `credentialSet[0].credentials`.
 * @throws RolesAnywhereServiceError when the service answers an error (AWS's type, message and request id kept)
 * @throws RolesAnywhereRequestError when the call fails or the answer holds no credentials
 */
export async function sendCreateSession(request: {
  url: URL;
  headers: Readonly<Record<string, string>>;
  body: string;
  timeoutMs: number;
  fetch: typeof fetch;
}): Promise<SessionCredentials> {
  const headers = { ...request.headers };
  // fetch derives Host from the URL — the very value that was signed.
  delete headers.Host;
  let response: Response;
  let text: string;
  try {
    response = await request.fetch(request.url, {
      method: "POST",
      headers,
      body: request.body,
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    // The proxy's own error already names it and says what to fix.
    if (error instanceof ProxyError) throw error;
    const timedOut = (error as { name?: string }).name === "TimeoutError";
    throw new RolesAnywhereRequestError(
      "ROLES_ANYWHERE_NETWORK_ERROR",
      timedOut
        ? `IAM Roles Anywhere at ${request.url.origin} did not answer within ${request.timeoutMs} ms. Check the network ` +
            "path to the endpoint (proxy, firewall, VPC endpoint); the provider retries on the next refresh."
        : `Cannot reach IAM Roles Anywhere at ${request.url.origin}: ${causeMessage(error)}. Check the endpoint, DNS and ` +
            "the network path; the provider retries on the next refresh.",
      { cause: error },
    );
  }

  const requestId = response.headers.get("x-amzn-requestid") ?? undefined;
  if (!response.ok) throw serviceError(response, text, requestId);
  return parseCredentials(text, response.status, requestId);
}

function serviceError(response: Response, text: string, requestId: string | undefined): RolesAnywhereServiceError {
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === "object") parsed = value as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's HTML page, say): fall back to the status.
  }
  // restJson1: the type is the x-amzn-ErrorType header, else the body's `code` or `__type`.
  const bodyType = [parsed.code, parsed.__type].find((value): value is string => typeof value === "string" && value !== "");
  const errorType = sanitizeErrorType(response.headers.get("x-amzn-errortype") ?? bodyType) ?? `HTTP${response.status}`;
  // The body itself is never quoted: a proxy's page or an endpoint that echoes the request can hold anything. Only
  // AWS's own JSON `message` is kept, shortened and redacted.
  const message = parsed.message ?? parsed.Message;
  const serviceMessage =
    typeof message === "string"
      ? redact(message.slice(0, 300).replace(/\s+/g, " ").trim())
      : `no JSON message (${text.length} bytes of ${response.headers.get("content-type") ?? "unknown type"})`;
  return new RolesAnywhereServiceError({ errorType, serviceMessage, requestId, statusCode: response.status });
}

function parseCredentials(text: string, status: number, requestId: string | undefined): SessionCredentials {
  const invalid = (what: string, cause?: unknown): RolesAnywhereRequestError =>
    new RolesAnywhereRequestError(
      "ROLES_ANYWHERE_INVALID_RESPONSE",
      `IAM Roles Anywhere answered HTTP ${status}${requestId === undefined ? "" : ` (request id ${requestId})`} ` +
        `but ${what}. Check that the endpoint is IAM Roles Anywhere (not a proxy or another service).`,
      cause === undefined ? {} : { cause },
    );
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    // The SyntaxError is not kept as the cause: V8 quotes the text around the fault, which may be a secret key.
    throw invalid("the body is not JSON");
  }
  const set = (document as { credentialSet?: unknown } | null)?.credentialSet;
  if (!Array.isArray(set) || set.length === 0) throw invalid("its credentialSet is missing or empty");
  const credentials = (set[0] as { credentials?: unknown } | null)?.credentials as Record<string, unknown> | undefined;
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = credentials ?? {};
  if (
    typeof accessKeyId !== "string" ||
    accessKeyId === "" ||
    typeof secretAccessKey !== "string" ||
    secretAccessKey === "" ||
    typeof sessionToken !== "string" ||
    sessionToken === "" ||
    typeof expiration !== "string"
  ) {
    throw invalid("credentialSet[0].credentials lacks accessKeyId, secretAccessKey, sessionToken or expiration");
  }
  const expiresAt = new Date(expiration);
  if (Number.isNaN(expiresAt.getTime())) throw invalid("credentialSet[0].credentials.expiration is not a date");
  return { accessKeyId, secretAccessKey, sessionToken, expiration: expiresAt, requestId };
}

/** As AWS's clients do: drop a ":http://internal.amazon.com/…" suffix and an "aws.protocoltests#" namespace. */
function sanitizeErrorType(raw: string | undefined): string | undefined {
  const type = raw?.split(":")[0]?.split("#").pop()?.trim();
  // A type is an identifier; anything else (an echo, a page) is not one and is not quoted.
  return type === undefined || !/^[A-Za-z][\w.]{0,99}$/.test(type) ? undefined : type;
}

function causeMessage(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code !== undefined) return cause.code;
  return error instanceof Error ? error.message : String(error);
}
