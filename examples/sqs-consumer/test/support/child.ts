import { type ConsumerProcess as DemoConsumerProcess, startConsumerProcess } from "../../../../scripts/demo/consumer-process.js";
import type { LogLine } from "./logs.js";

/** The consumer running as its own process, as in a pod: `node --import tsx src/main.ts` (the demo's launcher). */
export interface ConsumerProcess extends DemoConsumerProcess {
  /** Resolves with the first line matching, or rejects when the process exits first (or after 30 s). */
  waitForLine(predicate: (line: LogLine) => boolean): Promise<LogLine>;
}

/** Spawns the consumer with exactly `env` (plus PATH), from the repository root so sources run without a build. */
export function spawnConsumer(env: Record<string, string>): ConsumerProcess {
  const consumer = startConsumerProcess(env, () => undefined);
  return Object.assign(consumer, {
    waitForLine: (predicate: (line: LogLine) => boolean) => consumer.waitFor(predicate, "a log line", 30_000),
  });
}
