import { timingSafeEqual } from "node:crypto";
import type { RouteHandler } from "./http-responses.js";
import { sendCredentialsUnavailable, sendJson, sendText } from "./http-responses.js";
import { formatTimestamp, type ServeCredentials, type ServedCredentials } from "./served-credentials.js";

/** The path of the container-credentials route (the one EKS Pod Identity serves). */
export const CONTAINER_CREDENTIALS_PATH = "/v1/credentials";

/**
 * The 401 body. Clients put it in their error (botocore: "Received non 200 response (401) from ... metadata: …"),
 * and the usual cause is a client older than the token file variable, which sends no header at all.
 */
const MISSING_AUTHORIZATION =
  "The Authorization header is required. A client that sends none may not support " +
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (SDKs released before EKS Pod Identity, late 2023: Debian bookworm's " +
  "aws-cli 2.9 and botocore 1.29, the Go SDK v2 it packages; and the JS SDK's fromContainerMetadata): give such a " +
  "client AWS_CONTAINER_AUTHORIZATION_TOKEN with the token file's content instead.";

/** Options of {@link createContainerHandler}. */
export interface ContainerRoutesOptions {
  /**
   * The expected `Authorization` header value. Called per request, so a rotated token file is honoured; a rejection
   * (a token file no client can use) is answered with 500 and the error's code.
   */
  readonly authorizationToken: () => Promise<string>;
  readonly credentials: ServeCredentials;
  /** Removes registered secrets from error messages sent in 500 answers. */
  readonly redact?: (text: string) => string;
  /** The account id to report when the credentials carry none (the role ARN's account). */
  readonly accountId: string | undefined;
}

/**
 * The container-credentials route read by SDKs through `AWS_CONTAINER_CREDENTIALS_FULL_URI` and
 * `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`: `GET /v1/credentials` with `Authorization: <token>`.
 */
export function createContainerHandler(options: ContainerRoutesOptions): RouteHandler {
  return async (request, response, path) => {
    if (path !== CONTAINER_CREDENTIALS_PATH) return false;
    if (request.method !== "GET") {
      sendText(response, 405, "Method Not Allowed", { allow: "GET" });
      return true;
    }
    const presented = request.headers.authorization;
    if (typeof presented !== "string" || presented === "") {
      sendJson(response, 401, { Code: "Unauthorized", Message: MISSING_AUTHORIZATION });
      return true;
    }
    let expected: string;
    try {
      expected = await options.authorizationToken();
    } catch (error) {
      // The token file holds something no client can send: say so, without its content.
      sendCredentialsUnavailable(response, error, options.redact);
      return true;
    }
    if (!sameToken(presented.trim(), expected)) {
      sendJson(response, 403, { Code: "Forbidden", Message: "The Authorization header does not match the token file." });
      return true;
    }
    let served: ServedCredentials;
    try {
      served = await options.credentials();
    } catch (error) {
      sendCredentialsUnavailable(response, error, options.redact);
      return true;
    }
    const { credentials } = served;
    const accountId = credentials.accountId ?? options.accountId;
    sendJson(response, 200, {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      Token: credentials.sessionToken ?? "",
      Expiration: formatTimestamp(credentials.expiration),
      ...(accountId === undefined ? {} : { AccountId: accountId }),
    });
    return true;
  };
}

function sameToken(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
