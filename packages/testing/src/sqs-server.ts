// A real SQS-compatible server (fauxqs) on 127.0.0.1 for tests, benchmarks and the demo.
//
// fauxqs is served through our own `http.Server` (fastify's `routing` handler) rather than its `listen`, so the
// listener can be stopped and started again on the same port while the queues and their messages survive: that is
// how tests simulate an SQS outage. fauxqs does not check SigV4; an `onRequest` hook records which access key id and
// session token signed each call, so a test can show which credentials a client really used.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { isBuiltin, register } from "node:module";
import type { AddressInfo } from "node:net";

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

/** Options of {@link startSqsServer}. */
export interface SqsServerOptions {
  /**
   * The port to listen on, on 127.0.0.1.
   * @defaultValue 0 (any free port)
   */
  port?: number;
}

/** A running fauxqs server. */
export interface SqsServer {
  /** `http://127.0.0.1:PORT`: give it to SQS clients as `endpoint` (or `AWS_ENDPOINT_URL_SQS`). */
  readonly endpoint: string;
  /**
   * Creates a queue (idempotent) and returns its URL. fauxqs's queue URLs name the host `sqs.REGION.localhost`,
   * which does not resolve here: clients must use {@link SqsServer.endpoint} with `useQueueUrlAsEndpoint: false`.
   */
  createQueue(name: string, attributes?: Record<string, string>): Promise<string>;
  /**
   * Sends messages as an unsigned producer (SendMessageBatch, ten at a time) and returns their ids, for test
   * fixtures that must not appear in {@link SqsServer.signedCalls}.
   */
  sendMessages(queueUrl: string, bodies: readonly string[]): Promise<string[]>;
  /** Every signed call received since the start (or the last {@link SqsServer.clearSignedCalls}), oldest first. */
  readonly signedCalls: readonly SignedSqsCall[];
  /** Forgets the recorded calls. */
  clearSignedCalls(): void;
  /**
   * Makes the next `times` DeleteMessageBatch answers report every entry as failed with `ReceiptHandleIsInvalid`, as
   * SQS does for a receipt handle that is no longer valid (fauxqs itself accepts any handle). The server still
   * deletes the messages; only the answer changes, which is what a client's error handling sees.
   *
   * @param times - how many answers to change @defaultValue 1
   */
  failDeleteMessageBatchEntries(times?: number): void;
  /** Closes the listener and drops every open connection (an outage); queues and messages are kept. */
  stop(): Promise<void>;
  /** Listens again on the same port after {@link SqsServer.stop}. */
  restart(): Promise<void>;
  /** Stops for good. */
  close(): Promise<void>;
}

const CREDENTIAL_SCOPE = /Credential=([^/,\s]+)\//;

// fauxqs imports `node:sqlite` (Node 22.5+) at load time, for a persistence mode we never use. On Node 20 a resolve
// hook answers that import with a stub that only fails if someone actually turns persistence on.
const SQLITE_STUB_HOOKS = `
export async function resolve(specifier, context, next) {
  if (specifier === "node:sqlite") {
    return { shortCircuit: true, url: "data:text/javascript,export class DatabaseSync { constructor() {" +
      " throw new Error('fauxqs persistence needs node:sqlite (Node 22.5 or later)'); } }" };
  }
  return next(specifier, context);
}`;
let sqliteStubRegistered = false;

async function loadFauxqs(): Promise<typeof import("fauxqs")> {
  if (!isBuiltin("node:sqlite") && !sqliteStubRegistered) {
    register(`data:text/javascript,${encodeURIComponent(SQLITE_STUB_HOOKS)}`);
    sqliteStubRegistered = true;
  }
  return import("fauxqs");
}

/**
 * Starts fauxqs on 127.0.0.1 with a signing recorder.
 *
 * @param options - the port; any free one by default
 * @returns the running server
 */
export async function startSqsServer(options: SqsServerOptions = {}): Promise<SqsServer> {
  const { buildApp } = await loadFauxqs();
  const app = buildApp({ logger: false });
  const signedCalls: SignedSqsCall[] = [];

  app.addHook("onRequest", (request: { headers: IncomingHttpHeaders }, _reply: unknown, done: () => void) => {
    const authorization = request.headers.authorization;
    const match = typeof authorization === "string" ? CREDENTIAL_SCOPE.exec(authorization) : null;
    if (match?.[1] !== undefined) {
      const target = request.headers["x-amz-target"];
      const action = typeof target === "string" ? (target.split(".").pop() ?? target) : "unknown";
      const token = request.headers["x-amz-security-token"];
      signedCalls.push({
        action,
        accessKeyId: match[1],
        ...(typeof token === "string" ? { sessionToken: token } : {}),
        receivedAt: Date.now(),
      });
    }
    done();
  });
  let deleteBatchFailures = 0;
  app.addHook(
    "onSend",
    (
      request: { headers: IncomingHttpHeaders },
      reply: { statusCode: number },
      payload: unknown,
      done: (error: null, payload: unknown) => void,
    ) => {
      const isDeleteBatch = request.headers["x-amz-target"] === "AmazonSQS.DeleteMessageBatch";
      if (deleteBatchFailures === 0 || !isDeleteBatch || reply.statusCode !== 200 || typeof payload !== "string") {
        done(null, payload);
        return;
      }
      deleteBatchFailures -= 1;
      const body = JSON.parse(payload) as { Successful?: { Id: string }[]; Failed?: unknown[] };
      const refused = (body.Successful ?? []).map(({ Id }) => ({
        Id,
        SenderFault: true,
        Code: "ReceiptHandleIsInvalid",
        Message: "The receipt handle is not valid for this message.",
      }));
      done(null, JSON.stringify({ Successful: [], Failed: [...(body.Failed ?? []), ...refused] }));
    },
  );
  await app.ready();

  let server: Server | undefined;
  let port = options.port ?? 0;
  let closed = false;

  const listen = async (): Promise<void> => {
    const next = createServer((req, res) => app.routing(req, res));
    // Long polls last up to 20 s; Node's defaults would cut idle keep-alive sockets the SDK still reuses.
    next.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      next.once("error", reject);
      next.listen(port, "127.0.0.1", () => {
        next.off("error", reject);
        resolve();
      });
    });
    port = (next.address() as AddressInfo).port;
    server = next;
  };

  const stopListening = async (): Promise<void> => {
    const current = server;
    server = undefined;
    if (current === undefined) return;
    const done = new Promise<void>((resolve) => current.close(() => resolve()));
    current.closeAllConnections();
    await done;
  };

  await listen();
  const endpoint = `http://127.0.0.1:${port}`;

  return {
    endpoint,
    get signedCalls() {
      return signedCalls;
    },
    clearSignedCalls() {
      signedCalls.length = 0;
    },
    failDeleteMessageBatchEntries(times = 1) {
      deleteBatchFailures += times;
    },
    async createQueue(name, attributes) {
      const body = await call(endpoint, "CreateQueue", {
        QueueName: name,
        ...(attributes === undefined ? {} : { Attributes: attributes }),
      });
      if (typeof body.QueueUrl !== "string") throw new Error(`fauxqs CreateQueue ${name} returned no QueueUrl`);
      return body.QueueUrl;
    },
    async sendMessages(queueUrl, bodies) {
      const ids: string[] = [];
      for (let start = 0; start < bodies.length; start += 10) {
        const entries = bodies.slice(start, start + 10).map((MessageBody, index) => ({ Id: String(index), MessageBody }));
        const output = await call(endpoint, "SendMessageBatch", { QueueUrl: queueUrl, Entries: entries });
        const failed = output.Failed as unknown[] | undefined;
        if (failed !== undefined && failed.length > 0) throw new Error(`SendMessageBatch failed: ${JSON.stringify(failed)}`);
        ids.push(...((output.Successful as { MessageId: string }[] | undefined) ?? []).map((e) => e.MessageId));
      }
      return ids;
    },
    async stop() {
      await stopListening();
    },
    async restart() {
      if (closed) throw new Error("The SQS server was closed; start a new one.");
      if (server === undefined) await listen();
    },
    async close() {
      if (closed) return;
      closed = true;
      await stopListening();
      await app.close();
    },
  };
}

/** One unsigned SQS JSON-protocol call; throws with the server's message on an error status. */
async function call(endpoint: string, action: string, input: object): Promise<Record<string, unknown>> {
  const response = await fetch(`${endpoint}/`, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `AmazonSQS.${action}` },
    body: JSON.stringify(input),
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) {
    throw new Error(`fauxqs ${action} failed with HTTP ${response.status}: ${String(body.message ?? body.__type ?? "")}`);
  }
  return body;
}
