import type { IncomingMessage, ServerResponse } from "node:http";
import { CredentialsExpiringError } from "./errors.js";
import type { RouteHandler } from "./http-responses.js";
import { sendCredentialsUnavailable, sendJson, sendText } from "./http-responses.js";
import { formatTimestamp, type ServeCredentials, type ServedCredentials } from "./served-credentials.js";
import type { SessionTokens } from "./session-tokens.js";

const TOKEN_PATH = "/latest/api/token";
const CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials";
const TOKEN_HEADER = "x-aws-ec2-metadata-token";
const TTL_HEADER = "x-aws-ec2-metadata-token-ttl-seconds";
/** IMDS accepts session token lifetimes from one second to six hours. */
const MAX_TTL_SECONDS = 21_600;

/** Options of {@link createImdsHandler}. */
export interface ImdsRoutesOptions {
  /** The role ARN's last segment, listed under `security-credentials/`. */
  readonly roleName: string;
  readonly tokens: SessionTokens;
  readonly credentials: ServeCredentials;
  /**
   * Credentials with less than this left are refreshed first, and answered with 500 when that fails (see
   * `IMDS_MIN_REMAINING_MS`: IMDS clients may use a set for minutes after fetching it). @defaultValue 0
   */
  readonly minRemainingMs?: number;
  /** Milliseconds since the epoch. @defaultValue Date.now */
  readonly now?: () => number;
  /** Removes registered secrets from error messages sent in 500 answers. */
  readonly redact?: (text: string) => string;
}

/**
 * The IMDSv2 subset that SDKs read credentials from: `PUT /latest/api/token`, then, with the token,
 * `GET /latest/meta-data/iam/security-credentials/` and `GET …/ROLE_NAME`.
 */
export function createImdsHandler(options: ImdsRoutesOptions): RouteHandler {
  const { roleName, tokens } = options;
  const roleNamePaths = new Set([CREDENTIALS_PATH, `${CREDENTIALS_PATH}/`]);
  const rolePaths = new Set([`${CREDENTIALS_PATH}/${roleName}`, `${CREDENTIALS_PATH}/${roleName}/`]);

  const issueToken = (request: IncomingMessage, response: ServerResponse): void => {
    if (request.method !== "PUT") return sendText(response, 405, "Method Not Allowed", { allow: "PUT" });
    const raw = request.headers[TTL_HEADER];
    const ttl = typeof raw === "string" && /^\d{1,5}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
    if (!(ttl >= 1 && ttl <= MAX_TTL_SECONDS)) {
      return sendText(response, 400, `Bad Request: ${TTL_HEADER} must be an integer from 1 to ${MAX_TTL_SECONDS}`);
    }
    sendText(response, 200, tokens.issue(ttl), { [TTL_HEADER]: String(ttl) });
  };

  return async (request, response, path) => {
    if (path === TOKEN_PATH || path === `${TOKEN_PATH}/`) {
      issueToken(request, response);
      return true;
    }
    if (!path.startsWith("/latest/")) return false;
    if (request.method !== "GET" && request.method !== "HEAD") {
      sendText(response, 405, "Method Not Allowed", { allow: "GET" });
      return true;
    }
    const token = request.headers[TOKEN_HEADER];
    const remaining = typeof token === "string" ? tokens.remainingSeconds(token) : undefined;
    if (remaining === undefined) {
      sendText(response, 401, "Unauthorized");
      return true;
    }
    const ttlHeader = { [TTL_HEADER]: String(remaining) };
    if (roleNamePaths.has(path)) {
      sendText(response, 200, roleName, ttlHeader);
    } else if (rolePaths.has(path)) {
      await sendRoleCredentials(response, options, ttlHeader);
    } else {
      sendText(response, 404, "Not Found", ttlHeader);
    }
    return true;
  };
}

/** `GET …/security-credentials/ROLE_NAME`: the newest set, if it has `minRemainingMs` left (else a 500). */
async function sendRoleCredentials(
  response: ServerResponse,
  options: ImdsRoutesOptions,
  ttlHeader: Record<string, string>,
): Promise<void> {
  const now = options.now ?? Date.now;
  const minRemainingMs = options.minRemainingMs ?? 0;
  let served: ServedCredentials;
  try {
    served = await options.credentials({ minRemainingMs });
  } catch (error) {
    sendCredentialsUnavailable(response, error, options.redact);
    return;
  }
  const { credentials, lastUpdated } = served;
  if (credentials.expiration.getTime() - now() < minRemainingMs) {
    sendCredentialsUnavailable(response, new CredentialsExpiringError(credentials.expiration, minRemainingMs));
    return;
  }
  const body = {
    Code: "Success",
    LastUpdated: formatTimestamp(lastUpdated),
    Type: "AWS-HMAC",
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    Token: credentials.sessionToken ?? "",
    Expiration: formatTimestamp(credentials.expiration),
  };
  sendJson(response, 200, body, ttlHeader);
}
