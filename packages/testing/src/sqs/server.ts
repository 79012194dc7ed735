// A real SQS-compatible server (fauxqs) on 127.0.0.1 for tests, benchmarks and the demo.
//
// fauxqs is served through the harness's loopback listener (fastify's `routing` handler) rather than its `listen`, so
// the listener can be stopped and started again on the same port while the queues and their messages survive: that
// is how tests simulate an SQS outage. fauxqs does not check SigV4; a hook records which access key id and session
// token signed each call, so a test can show which credentials a client really used.
import { type LoopbackServer, listenOnLoopback } from "../harness/loopback-server.js";
import { recordSignedCalls, type RefusedCredentialsCode, refuseCredentials, refuseDeleteBatchEntries, type SignedSqsCall } from "./hooks.js";
import { type FauxqsApp, loadFauxqs } from "./load-fauxqs.js";
import { createQueue, sendMessages } from "./unsigned-calls.js";

export type { RefusedCredentialsCode, SignedSqsCall };

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
  /**
   * From now on answers every call signed with `accessKeyId` with a 403, as SQS answers credentials it no longer
   * accepts: `InvalidClientTokenId` (a session revoked, its role deleted) or `ExpiredToken` (past its expiration by
   * SQS's clock); the SDK's error carries that name. The call is still recorded in {@link SqsServer.signedCalls}.
   *
   * @param code - @defaultValue "InvalidClientTokenId"
   */
  refuseCredentials(accessKeyId: string, code?: RefusedCredentialsCode): void;
  /** Closes the listener and drops every open connection (an outage); queues and messages are kept. */
  stop(): Promise<void>;
  /** Listens again on the same port after {@link SqsServer.stop}. */
  restart(): Promise<void>;
  /** Stops for good. */
  close(): Promise<void>;
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
  recordSignedCalls(app, signedCalls);
  const refuseDeletes = refuseDeleteBatchEntries(app);
  const refuse = refuseCredentials(app);
  await app.ready();
  const listener = createRestartableListener(app, options.port ?? 0);
  const { endpoint } = await listener.start();
  return {
    endpoint,
    get signedCalls() {
      return signedCalls;
    },
    clearSignedCalls() {
      signedCalls.length = 0;
    },
    failDeleteMessageBatchEntries: (times = 1) => refuseDeletes(times),
    refuseCredentials: (accessKeyId, code = "InvalidClientTokenId") => refuse(accessKeyId, code),
    createQueue: (name, attributes) => createQueue(endpoint, name, attributes),
    sendMessages: (queueUrl, bodies) => sendMessages(endpoint, queueUrl, bodies),
    stop: () => listener.stop(),
    restart: () => listener.restart(),
    close: () => listener.close(),
  };
}

/** The app's listener, which can stop and listen again on the same port until it is closed for good. */
function createRestartableListener(app: FauxqsApp, firstPort: number) {
  let server: LoopbackServer | undefined;
  let port = firstPort;
  let closed = false;
  const start = async (): Promise<LoopbackServer> => {
    // Long polls last up to 20 s; Node's defaults would cut idle keep-alive sockets the SDK still reuses.
    server = await listenOnLoopback((request, response) => app.routing(request, response), { port, keepAliveTimeoutMs: 65_000 });
    port = server.port;
    return server;
  };
  const stop = async (): Promise<void> => {
    const current = server;
    server = undefined;
    await current?.close();
  };
  return {
    start,
    stop,
    async restart() {
      if (closed) throw new Error("The SQS server was closed; start a new one.");
      if (server === undefined) await start();
    },
    async close() {
      if (closed) return;
      closed = true;
      await stop();
      await app.close();
    },
  };
}
