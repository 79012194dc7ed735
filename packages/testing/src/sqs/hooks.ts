// What the SQS server adds to fauxqs, as fastify hooks: a record of who signed each call, refused
// DeleteMessageBatch entries on demand, and refused credentials.
import type { IncomingHttpHeaders } from "node:http";
import type { FauxqsApp } from "./load-fauxqs.js";

/** One SQS call the server received with a SigV4 `Authorization` header. */
export interface SignedSqsCall {
  /** The SQS action, e.g. `ReceiveMessage` (from `X-Amz-Target`). */
  readonly action: string;
  /** The access key id of the `Credential=` scope of the `Authorization` header. */
  readonly accessKeyId: string;
  /** The `X-Amz-Security-Token` header, when the caller sent one. Test credentials only: never real ones. */
  readonly sessionToken?: string;
  /** When the call arrived, in milliseconds since the epoch. */
  readonly receivedAt: number;
}

const CREDENTIAL_SCOPE = /Credential=([^/,\s]+)\//;

/** How SQS refuses credentials: a session that was revoked or never existed, or one past its expiration. */
export type RefusedCredentialsCode = "InvalidClientTokenId" | "ExpiredToken";

/** SQS's answers (JSON protocol; the query-compatible code in `x-amzn-query-error`). */
const REFUSALS: Record<RefusedCredentialsCode, { type: string; message: string }> = {
  InvalidClientTokenId: { type: "UnrecognizedClientException", message: "The security token included in the request is invalid." },
  ExpiredToken: { type: "ExpiredTokenException", message: "The security token included in the request is expired" },
};

/** Appends every signed call to `signedCalls` (fauxqs itself does not check SigV4). */
export function recordSignedCalls(app: FauxqsApp, signedCalls: SignedSqsCall[]): void {
  app.addHook("onRequest", (request: { headers: IncomingHttpHeaders }, _reply: unknown, done: () => void) => {
    const authorization = request.headers.authorization;
    const match = typeof authorization === "string" ? CREDENTIAL_SCOPE.exec(authorization) : null;
    if (match?.[1] !== undefined) {
      const target = request.headers["x-amz-target"];
      const token = request.headers["x-amz-security-token"];
      signedCalls.push({
        action: typeof target === "string" ? (target.split(".").pop() ?? target) : "unknown",
        accessKeyId: match[1],
        ...(typeof token === "string" ? { sessionToken: token } : {}),
        receivedAt: Date.now(),
      });
    }
    done();
  });
}

/**
 * Lets a test make the next DeleteMessageBatch answers report every entry as failed with `ReceiptHandleIsInvalid`
 * (the messages are still deleted; only the answer changes). Returns the function that queues `times` more.
 */
export function refuseDeleteBatchEntries(app: FauxqsApp): (times: number) => void {
  let remaining = 0;
  app.addHook(
    "onSend",
    (request: { headers: IncomingHttpHeaders }, reply: { statusCode: number }, payload: unknown, done: (error: null, payload: unknown) => void) => {
      const isDeleteBatch = request.headers["x-amz-target"] === "AmazonSQS.DeleteMessageBatch";
      if (remaining === 0 || !isDeleteBatch || reply.statusCode !== 200 || typeof payload !== "string") {
        done(null, payload);
        return;
      }
      remaining -= 1;
      done(null, refusedEntries(payload));
    },
  );
  return (times) => {
    remaining += times;
  };
}

function refusedEntries(payload: string): string {
  const body = JSON.parse(payload) as { Successful?: { Id: string }[]; Failed?: unknown[] };
  const refused = (body.Successful ?? []).map(({ Id }) => ({
    Id,
    SenderFault: true,
    Code: "ReceiptHandleIsInvalid",
    Message: "The receipt handle is not valid for this message.",
  }));
  return JSON.stringify({ Successful: [], Failed: [...(body.Failed ?? []), ...refused] });
}

/**
 * Lets a test make the server refuse every later call signed with an access key id, with a 403 as SQS answers (fauxqs
 * itself checks no signature). Returns the function that refuses one more key.
 */
export function refuseCredentials(app: FauxqsApp): (accessKeyId: string, code: RefusedCredentialsCode) => void {
  const refused = new Map<string, RefusedCredentialsCode>();
  app.addHook("onRequest", (request: { headers: IncomingHttpHeaders }, reply: RefusalReply, done: () => void) => {
    const accessKeyId = CREDENTIAL_SCOPE.exec(request.headers.authorization ?? "")?.[1];
    const code = accessKeyId === undefined ? undefined : refused.get(accessKeyId);
    if (code === undefined) {
      done();
      return;
    }
    // Answered here: fastify skips the route, and `done` must not be called.
    const { type, message } = REFUSALS[code];
    reply
      .code(403)
      .header("content-type", "application/x-amz-json-1.0")
      .header("x-amzn-query-error", `${code};Sender`)
      .send(JSON.stringify({ __type: `com.amazon.coral.service#${type}`, message }));
  });
  return (accessKeyId, code) => {
    refused.set(accessKeyId, code);
  };
}

/** The part of fastify's reply an early answer uses. */
interface RefusalReply {
  code(status: number): RefusalReply;
  header(name: string, value: string): RefusalReply;
  send(body: string): unknown;
}
