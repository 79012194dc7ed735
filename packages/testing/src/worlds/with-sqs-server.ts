import { type SqsServer, type SqsServerOptions, startSqsServer } from "../sqs/server.js";
import { closeAll } from "./close-all.js";

/** The SDK's SQS endpoint override (read by the SDK, so not among core's names). */
const ENV_ENDPOINT_URL_SQS = "AWS_ENDPOINT_URL_SQS";

/** Any world: its pod's variables and how to stop it. */
export interface World {
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

/** A world with an SQS server beside it, its endpoint in the pod's variables. */
export type WorldWithSqs<W extends World> = Omit<W, "env" | "close"> & {
  readonly sqs: SqsServer;
  readonly env: W["env"] & Readonly<Record<typeof ENV_ENDPOINT_URL_SQS, string>>;
  /** Stops the SQS server and the world. */
  close(): Promise<void>;
};

/**
 * Starts an SQS server (fauxqs) beside `world` — the queue a consumer in that pod reads — and adds
 * `AWS_ENDPOINT_URL_SQS` to its variables. Closes `world` when the server fails to start.
 */
export async function withSqsServer<W extends World>(world: W, options: SqsServerOptions = {}): Promise<WorldWithSqs<W>> {
  const sqs = await startSqsServer(options).catch(async (error: unknown) => {
    await world.close().catch(() => undefined);
    throw error;
  });
  return {
    ...world,
    sqs,
    env: { ...world.env, [ENV_ENDPOINT_URL_SQS]: sqs.endpoint },
    close: () => closeAll([sqs.close, () => world.close()]),
  };
}
