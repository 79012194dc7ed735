import type { Message } from "@aws-sdk/client-sqs";
import type { Metrics } from "./metrics.js";

/** The messages received and not yet deleted or returned to the queue, mirrored in `metrics.inFlight`. */
export interface InFlight {
  readonly size: number;
  track(message: Message): void;
  /** @returns whether the message was in flight */
  untrack(message: Message): boolean;
}

/** An empty set. sqs-consumer hands the same message objects to every event and callback, so they are the keys. */
export function createInFlight(metrics: Metrics): InFlight {
  const messages = new Set<Message>();
  return {
    get size() {
      return messages.size;
    },
    track(message) {
      messages.add(message);
      metrics.inFlight = messages.size;
    },
    untrack(message) {
      const removed = messages.delete(message);
      metrics.inFlight = messages.size;
      return removed;
    },
  };
}
