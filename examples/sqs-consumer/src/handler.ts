import type { Message } from "@aws-sdk/client-sqs";
import type { MessageHandlerContext } from "./batch-handler.js";

/**
 * The example's business logic — replace it with yours. It parses the body as JSON and "works" on it. Two fields
 * let you watch the consumer's behaviour without writing code: `workMs` (simulated work, to see the visibility
 * heartbeat and the graceful shutdown) and `fail: true` (to see a message go back to the queue and be retried).
 */
export async function handleMessage(message: Message, context: MessageHandlerContext): Promise<void> {
  const body = parseBody(message.Body);
  const workMs = typeof body.workMs === "number" && body.workMs > 0 ? body.workMs : 0;
  if (workMs > 0) await delay(workMs, context.signal);
  if (body.fail === true) throw new Error("the message asked to fail (fail: true)");
}

function parseBody(body: string | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(body ?? "");
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new Error("work interrupted by the shutdown timeout"));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new Error("work interrupted by the shutdown timeout"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
