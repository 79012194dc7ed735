import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type ConsumerProcess, spawnConsumer } from "./support/child.js";
import { producer, remaining, sendAll } from "./support/app.js";
import { type PodWorld, startPodWorld } from "./support/world.js";

let world: PodWorld;
let consumer: ConsumerProcess | undefined;

beforeAll(async () => {
  world = await startPodWorld({ credentialLifetimeSeconds: 900 });
});
afterAll(async () => {
  await world.close();
});
afterEach(async () => {
  if (consumer !== undefined && consumer.child.exitCode === null) {
    consumer.child.kill("SIGKILL");
    await consumer.exited;
  }
  consumer = undefined;
});

function appEnv(queueUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...world.env,
    QUEUE_URL: queueUrl,
    STATUS_PROBE_ADDR: "127.0.0.1:0",
    WAIT_TIME_SECONDS: "2",
    VISIBILITY_TIMEOUT: "10",
    SHUTDOWN_TIMEOUT_MS: "10000",
    GIT_COMMIT: "0123abc",
    BUILD_TIME: "2026-11-23T00:00:00Z",
    ...extra,
  };
}

describe("main (the consumer process)", () => {
  it("logs its version at start, then on SIGTERM during a batch finishes and deletes every message and exits 0", async () => {
    const queueUrl = await world.sqs.createQueue("main-sigterm");
    consumer = spawnConsumer(appEnv(queueUrl, { BATCH_SIZE: "10" }));
    const first = await consumer.waitForLine((l) => l.msg.startsWith("starting"));
    expect(first).toMatchObject({
      level: "info",
      name: "@workload-identity/example-sqs-consumer",
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      gitCommit: "0123abc",
      buildTime: "2026-11-23T00:00:00Z",
      node: process.version,
      platform: `${process.platform}/${process.arch}`,
    });
    const listening = await consumer.waitForLine((l) => l.msg === "probe server listening");
    const probe = `http://${String(listening.address)}`;
    await consumer.waitForLine((l) => l.msg === "receiving messages");

    const client = producer(world.sqs.endpoint);
    const bodies = Array.from({ length: 8 }, (_, i) => JSON.stringify({ order: i, workMs: 1_500 }));
    await sendAll(client, queueUrl, bodies);
    await vi.waitFor(
      async () => expect(await (await fetch(`${probe}/metrics`)).text()).toMatch(/^sqs_consumer_messages_in_flight 8$/m),
      { timeout: 15_000, interval: 25 },
    );

    consumer.child.kill("SIGTERM");
    await expect(consumer.exited).resolves.toEqual({ code: 0, signal: null });
    expect(consumer.lines.filter((l) => l.msg === "message handled")).toHaveLength(8);
    expect(consumer.lines.at(-1)).toMatchObject({ msg: "stopped cleanly", signal: "SIGTERM", deleted: 8, inFlight: 0 });
    expect(await remaining(client, queueUrl)).toBe(0);
    // The pod's credentials: web identity, chosen from the environment and logged once.
    expect(consumer.lines.filter((l) => /using web-identity/.test(l.msg))).toHaveLength(1);
  });

  it("on SIGTERM with a handler outliving SHUTDOWN_TIMEOUT_MS, deletes nothing unfinished, returns it to the queue and exits 1", async () => {
    const queueUrl = await world.sqs.createQueue("main-shutdown-timeout");
    consumer = spawnConsumer(appEnv(queueUrl, { SHUTDOWN_TIMEOUT_MS: "200", VISIBILITY_TIMEOUT: "30" }));
    const listening = await consumer.waitForLine((l) => l.msg === "probe server listening");
    await consumer.waitForLine((l) => l.msg === "receiving messages");
    const client = producer(world.sqs.endpoint);
    await sendAll(client, queueUrl, [JSON.stringify({ order: 1, workMs: 60_000 })]);
    await vi.waitFor(
      async () =>
        expect(await (await fetch(`http://${String(listening.address)}/metrics`)).text()).toMatch(
          /^sqs_consumer_messages_in_flight 1$/m,
        ),
      { timeout: 15_000, interval: 25 },
    );
    consumer.child.kill("SIGTERM");
    await expect(consumer.exited).resolves.toEqual({ code: 1, signal: null });
    expect(consumer.lines.at(-1)).toMatchObject({
      level: "error",
      msg: expect.stringMatching(/^shutdown timeout reached/),
      abandoned: 1,
      returned: 1,
      deleted: 0,
    });
    // Visible again at once (not after the 30 s visibility timeout).
    const output = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 2 }));
    expect(output.Messages?.map((m) => JSON.parse(m.Body ?? "{}").order)).toEqual([1]);
  });

  it.each(["SIGINT", "SIGQUIT"] as const)("stops on %s when idle, at once, with exit code 0", async (signal) => {
    const queueUrl = await world.sqs.createQueue(`main-${signal.toLowerCase()}`);
    consumer = spawnConsumer(appEnv(queueUrl, { WAIT_TIME_SECONDS: "20" }));
    await consumer.waitForLine((l) => l.msg === "receiving messages");
    const startedAt = Date.now();
    consumer.child.kill(signal);
    await expect(consumer.exited).resolves.toEqual({ code: 0, signal: null });
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(consumer.lines.at(-1)).toMatchObject({ msg: "stopped cleanly", signal });
  });

  it("refuses to start on a bad configuration, listing every problem, with exit code 78", async () => {
    consumer = spawnConsumer({ AWS_REGION: "eu-west-1", BATCH_SIZE: "11", LOG_LEVEL: "chatty" });
    await expect(consumer.exited).resolves.toEqual({ code: 78, signal: null });
    const fatal = consumer.lines.find((l) => l.level === "fatal");
    expect(fatal).toMatchObject({ code: "CONFIG_INVALID" });
    expect((fatal?.problems as { variable: string }[]).map((p) => p.variable)).toEqual(["QUEUE_URL", "BATCH_SIZE", "LOG_LEVEL"]);
  });
});
