import type { ServerResponse } from "node:http";
import { describeError } from "./log.js";

/** Handles a request if it is for one of its routes; resolves `false` to let the next handler try. */
export type RouteHandler = (
  request: import("node:http").IncomingMessage,
  response: ServerResponse,
  path: string,
) => Promise<boolean>;

/** Sends a JSON body. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    "cache-control": "no-store",
  });
  response.end(payload);
}

/** Sends a plain-text body. */
export function sendText(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  response.writeHead(status, {
    ...headers,
    "content-type": "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
  });
  response.end(body);
}

/**
 * The HTTP 500 answer when no valid credentials can be served: a JSON body saying why, never a `Success` code with
 * empty credentials (which some SDKs cache as valid).
 */
export function sendCredentialsUnavailable(
  response: ServerResponse,
  error: unknown,
  redact: (text: string) => string = (text) => text,
): void {
  const { error: message, code, requestId } = describeError(error);
  sendJson(response, 500, {
    Code: code ?? "CREDENTIALS_UNAVAILABLE",
    Message: redact(`No valid credentials to serve: ${message}`),
    ...(requestId === undefined ? {} : { RequestId: requestId }),
  });
}
