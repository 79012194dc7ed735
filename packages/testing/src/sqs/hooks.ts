// What the SQS server adds to fauxqs, as fastify hooks: a record of who signed each call, and refused
// DeleteMessageBatch entries on demand.
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
