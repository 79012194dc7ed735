// The one server every emulator runs on: a loopback listener, the body read with a cap, a handler that turns a
// request into an answer, and the emulated service's own error answer when the handler throws or the body is too big.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { type LoopbackServer, type LoopbackServerOptions, listenOnLoopback } from "./loopback-server.js";
import { readBody } from "./read-body.js";

/** A request as an emulator sees it: read whole, URL parsed. */
export interface EmulatorRequest {
  readonly method: string;
  /** The request's path and query, parsed against the server's own origin. */
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** A header's value (several joined with ","), or undefined when absent. */
  header(name: string): string | undefined;
}

/** What an emulator answers. Headers are sent as given (no `content-length` is added). */
export interface EmulatorAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string | number>>;
  readonly body?: string | Buffer;
}

/** Turns a request into an answer; an answer that never comes is a hung server (until `close`). */
export type EmulatorHandler = (request: EmulatorRequest) => EmulatorAnswer | Promise<EmulatorAnswer>;

/** Options of {@link startEmulatorServer}. */
export interface EmulatorServerOptions extends LoopbackServerOptions {
  /** The longest body read; a longer one is answered by `failure` with 413. @defaultValue 1 MiB */
  maxBodyBytes?: number;
  /**
   * The answer, in the emulated service's format, when the handler throws (500) or the body is over the cap (413).
   * @defaultValue a plain-text answer with the message
   */
  failure?: (status: number, message: string) => EmulatorAnswer;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const plainFailure = (status: number, message: string): EmulatorAnswer => ({
  status,
  headers: { "content-type": "text/plain" },
  body: message,
});

/** Starts `handle` on 127.0.0.1. */
export function startEmulatorServer(handle: EmulatorHandler, options: EmulatorServerOptions = {}): Promise<LoopbackServer> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const failure = options.failure ?? plainFailure;
  return listenOnLoopback((request, response) => {
    serve(request, handle, maxBodyBytes, failure).then(
      (answer) => send(response, answer),
      (error: unknown) => {
        if (!response.headersSent) send(response, failure(500, String(error)));
      },
    );
  }, options);
}

async function serve(
  request: IncomingMessage,
  handle: EmulatorHandler,
  maxBodyBytes: number,
  failure: (status: number, message: string) => EmulatorAnswer,
): Promise<EmulatorAnswer> {
  const body = await readBody(request, maxBodyBytes);
  if (body === undefined) return failure(413, `The request body is over ${maxBodyBytes} bytes.`);
  return handle({
    method: request.method ?? "GET",
    url: new URL(request.url ?? "/", "http://127.0.0.1"),
    headers: request.headers,
    body,
    header: (name) => headerValue(request.headers, name),
  });
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(",") : value;
}

function send(response: ServerResponse, answer: EmulatorAnswer): void {
  response.writeHead(answer.status, answer.headers).end(answer.body);
}
