import { type Message, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { describe, expect, it, vi } from "vitest";
import { startConsumerApp } from "@workload-identity/example-sqs-consumer";
import { producer, remaining, sendAll, useTestConsumers } from "./support/app.js";

// Credentials live 6 s, so the cache refreshes them every few seconds during these tests.
const pod = useTestConsumers({ credentialLifetimeSeconds: 6 }, "consumer-test");
const { newQueue, start } = pod;

describe(startConsumerApp.name, () => {
  it("receives, handles and deletes every message sent, in batches, with DeleteMessageBatch", async () => {
    const queueUrl = await newQueue();
    const handled: string[] = [];
    const { app } = await start({
      queueUrl,
      env: { CONCURRENCY: "2", BATCH_SIZE: "10" },
      handler: async (message: Message) => {
        handled.push(message.Body ?? "");
      },
    });
    const bodies = Array.from({ length: 45 }, (_, i) => JSON.stringify({ order: i }));
    const client = producer(pod.world.sqs.endpoint);
    await sendAll(client, queueUrl, bodies);
    await vi.waitFor(() => expect(app.metrics.deleted).toBe(45), { timeout: 15_000, interval: 50 });
    expect([...handled].sort()).toEqual([...bodies].sort());
    expect(await remaining(client, queueUrl)).toBe(0);
    expect(app.metrics.snapshot()).toMatchObject({ received: 45, deleted: 45, failed: 0, inFlight: 0 });
    const consumerActions = new Set(pod.world.sqs.signedCalls.filter((c) => c.accessKeyId !== "AKIDPRODUCER").map((c) => c.action));
    expect(consumerActions).toContain("DeleteMessageBatch");
    expect(consumerActions).not.toContain("DeleteMessage");
  });

  it("returns a failed message to the queue and handles it on redelivery", async () => {
    const queueUrl = await newQueue();
    const attempts = new Map<string, number>();
    const { app, logs } = await start({
      queueUrl,
      handler: async (message) => {
        const count = (attempts.get(message.Body ?? "") ?? 0) + 1;
        attempts.set(message.Body ?? "", count);
        if (message.Body === "flaky" && count === 1) throw new Error("downstream timeout");
      },
    });
    const client = producer(pod.world.sqs.endpoint);
    await sendAll(client, queueUrl, ["flaky", "fine"]);
    await vi.waitFor(() => expect(app.metrics.deleted).toBe(2), { timeout: 15_000, interval: 50 });
    expect(Object.fromEntries(attempts)).toEqual({ flaky: 2, fine: 1 });
    expect(app.metrics.snapshot()).toMatchObject({ received: 3, deleted: 2, failed: 1, inFlight: 0 });
    const failure = logs.find((l) => l.msg.startsWith("message handler failed"));
    expect(failure).toMatchObject({ level: "warn", receiveCount: 1, error: { message: "downstream timeout" } });
    expect(await remaining(client, queueUrl)).toBe(0);
  });

  it("does not count a message as deleted when DeleteMessageBatch reports its entry as failed", async () => {
    const queueUrl = await newQueue();
    const client = producer(pod.world.sqs.endpoint);
    const { app, logs } = await start({ queueUrl, handler: async () => undefined });
    // As for an expired receipt handle: SQS answers the call and refuses the entry.
    pod.world.sqs.failDeleteMessageBatchEntries(1);
    await sendAll(client, queueUrl, ["refused"]);
    await vi.waitFor(() => expect(app.metrics.queueCallErrors).toBe(1), { timeout: 10_000, interval: 20 });
    expect(app.metrics.snapshot()).toMatchObject({ received: 1, deleted: 0, inFlight: 0 });
    expect(logs.find((l) => l.msg.startsWith("could not delete"))).toMatchObject({
      level: "warn",
      failed: [{ messageId: expect.any(String), code: expect.any(String) }],
    });
  });

  it("extends the visibility of a slow handler's message so it is not delivered twice", async () => {
    const queueUrl = await newQueue();
    let deliveries = 0;
    const { app } = await start({
      queueUrl,
      // Visibility 2 s, sqs-consumer's heartbeat every 2/3 s; the handler takes 2.5 s. Two loops: the second would
      // get the message again if its visibility lapsed.
      env: { VISIBILITY_TIMEOUT: "2", CONCURRENCY: "2" },
      handler: async () => {
        deliveries += 1;
        await new Promise((resolve) => setTimeout(resolve, 2_500));
      },
    });
    pod.world.sqs.clearSignedCalls();
    await sendAll(producer(pod.world.sqs.endpoint), queueUrl, ["slow"]);
    await vi.waitFor(() => expect(app.metrics.deleted).toBe(1), { timeout: 15_000, interval: 50 });
    expect(deliveries).toBe(1);
    const heartbeats = pod.world.sqs.signedCalls.filter((c) => c.action === "ChangeMessageVisibilityBatch");
    expect(heartbeats.length).toBeGreaterThanOrEqual(2);
  });

  it("returns a failed message at once, while the rest of its batch is still being handled", async () => {
    const queueUrl = await newQueue();
    const client = producer(pod.world.sqs.endpoint);
    // Queued before the consumer starts, so its one loop receives both in one batch.
    await sendAll(client, queueUrl, ["slow", "fails"]);
    let slowDeliveries = 0;
    let releaseSlow: () => void = () => undefined;
    const slowDone = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    const { app, logs } = await start({
      queueUrl,
      // sqs-consumer's heartbeat every 2/3 s extends the whole batch: the failed message, already visible again, is
      // no longer in flight, so SQS refuses to hide it again.
      env: { VISIBILITY_TIMEOUT: "2", CONCURRENCY: "1" },
      handler: async (message) => {
        if (message.Body === "fails") throw new Error("downstream refused");
        slowDeliveries += 1;
        await slowDone;
      },
    });
    await vi.waitFor(() => expect(logs.some((l) => l.msg.startsWith("message handler failed"))).toBe(true), {
      timeout: 10_000,
      interval: 20,
    });
    expect(app.metrics.inFlight).toBe(1);
    // Another consumer (here the test) gets it while the slow handler still runs, across several heartbeats.
    const again: Message[] = [];
    for (let attempt = 0; attempt < 3 && again.length === 0; attempt += 1) {
      const output = await client.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }),
      );
      again.push(...(output.Messages ?? []));
    }
    expect(again.map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([["fails", "2"]]);
    expect(app.metrics.inFlight).toBe(1);
    releaseSlow();
    await vi.waitFor(() => expect(app.metrics.deleted).toBe(1), { timeout: 10_000, interval: 20 });
    expect(slowDeliveries).toBe(1);
    expect(app.metrics.snapshot()).toMatchObject({ received: 2, deleted: 1, failed: 1, inFlight: 0 });
  });

  it("signs every call with the credentials STS issued for the pod, and with new ones after a refresh", async () => {
    const queueUrl = await newQueue();
    pod.world.sqs.clearSignedCalls();
    const { app, logs } = await start({ queueUrl, handler: async () => undefined });
    await sendAll(producer(pod.world.sqs.endpoint), queueUrl, ["before"]);
    await vi.waitFor(() => expect(app.metrics.deleted).toBe(1), { timeout: 10_000, interval: 50 });
    // Credentials live 6 s: within a few seconds the cache refreshes them in the background.
    await vi.waitFor(() => expect(app.metrics.credentialRefreshes).toBeGreaterThanOrEqual(2), { timeout: 15_000, interval: 100 });
    await sendAll(producer(pod.world.sqs.endpoint), queueUrl, ["after"]);
    await vi.waitFor(() => expect(app.metrics.deleted).toBe(2), { timeout: 10_000, interval: 50 });

    const consumerCalls = pod.world.sqs.signedCalls.filter((c) => c.accessKeyId !== "AKIDPRODUCER");
    const issued = new Set(pod.world.sts.credentialsIssued().map((c) => c.accessKeyId));
    const used = new Set(consumerCalls.map((c) => c.accessKeyId));
    expect(consumerCalls.length).toBeGreaterThan(0);
    for (const call of consumerCalls) {
      expect(issued.has(call.accessKeyId)).toBe(true);
      expect(call.sessionToken).toEqual(expect.any(String));
    }
    expect(used.size).toBeGreaterThanOrEqual(2);
    expect(logs.some((l) => l.msg === "credentials refreshed" && l.component === "credentials")).toBe(true);
    // The credential source was chosen from the pod's environment, and said so once.
    expect(logs.filter((l) => /using web-identity/.test(l.msg))).toHaveLength(1);
  });

  it("pauses after each failed receive while the queue server is down, turns unready, and recovers without a restart", async () => {
    const queueUrl = await newQueue();
    const handled: string[] = [];
    const { app, logs, probe } = await start({
      queueUrl,
      handler: async (message) => {
        handled.push(message.Body ?? "");
      },
    });
    const client = producer(pod.world.sqs.endpoint);
    expect(await probe("/readyz")).toEqual({ status: 200, body: '{"status":"ok"}' });
    expect((await probe("/livez")).status).toBe(200);
    await sendAll(client, queueUrl, ["one"]);
    await vi.waitFor(() => expect(app.metrics.deleted).toBe(1), { timeout: 10_000, interval: 50 });

    await pod.world.sqs.stop();
    await vi.waitFor(
      async () => {
        const ready = await probe("/readyz");
        expect(ready.status).toBe(503);
        expect(JSON.parse(ready.body)).toMatchObject({ status: "failing", reasons: [expect.stringMatching(/^queue failing \(ECONN/)] });
      },
      { timeout: 15_000, interval: 50 },
    );
    // Failing polls keep the loop alive: it is backing off, not stuck.
    expect((await probe("/livez")).status).toBe(200);
    await vi.waitFor(() => expect(app.metrics.pollErrors).toBeGreaterThanOrEqual(3), { timeout: 15_000, interval: 50 });

    await pod.world.sqs.restart();
    await sendAll(client, queueUrl, ["two", "three"]);
    await vi.waitFor(() => expect(app.metrics.deleted).toBe(3), { timeout: 20_000, interval: 50 });
    expect(handled.sort()).toEqual(["one", "three", "two"]);
    expect((await probe("/readyz")).status).toBe(200);
    const metrics = (await probe("/metrics")).body;
    expect(metrics).toMatch(/^sqs_consumer_messages_deleted_total 3$/m);
    expect(metrics).toMatch(/^sqs_consumer_ready 1$/m);

    // Logged once when it broke and once when it came back, not at every failed poll.
    const outage = logs.filter((l) => l.msg.startsWith("cannot reach the queue") || l.msg === "queue reachable again");
    expect(outage.map((l) => l.msg)).toEqual(
      expect.arrayContaining(["cannot reach the queue; retrying", "queue reachable again"]),
    );
    expect(outage.length).toBeLessThanOrEqual(4);
    expect(app.metrics.pollErrors).toBeGreaterThan(outage.length);
  });

  it("pauses after each failed receive while the credentials fail, turns unready saying so, and recovers without a restart", async () => {
    const queueUrl = await newQueue();
    // STS refuses the token a few times (as when the role's trust policy is being fixed), then accepts it.
    pod.world.sts.injectFault({ kind: "invalid-identity-token" }, 3);
    try {
      const pauseMs = 250;
      const startedAt = Date.now();
      const { app, logs, probe } = await start({ queueUrl, handler: async () => undefined, receiveErrorPauseMs: pauseMs });
      const ready = await probe("/readyz");
      expect(ready.status).toBe(503);
      expect(JSON.parse(ready.body)).toMatchObject({ reasons: [expect.stringMatching(/^credentials failing \(/)] });
      expect((await probe("/livez")).status).toBe(200);
      await vi.waitFor(async () => expect((await probe("/readyz")).status).toBe(200), { timeout: 15_000, interval: 50 });
      // One failed receive per pause at most. Between STS's refusals the credential cache backs off and fails each call
      // at once: sqs-consumer, which pauses only after errors it recognises (a 403, its list of codes), would poll
      // again at once, thousands of times (the override in src/queue-consumers.ts).
      expect(app.metrics.pollErrors).toBeGreaterThanOrEqual(1);
      expect(app.metrics.pollErrors).toBeLessThanOrEqual(Math.ceil((Date.now() - startedAt) / pauseMs) + 1);
      await sendAll(producer(pod.world.sqs.endpoint), queueUrl, ["after"]);
      await vi.waitFor(() => expect(app.metrics.deleted).toBe(1), { timeout: 10_000, interval: 50 });
      expect(app.metrics.credentialRefreshFailures).toBeGreaterThanOrEqual(1);
      const changes = logs.filter((l) => l.msg.startsWith("cannot get credentials") || l.msg === "queue reachable again");
      expect(changes.map((l) => l.msg)).toEqual(["cannot get credentials for the queue; retrying", "queue reachable again"]);
    } finally {
      pod.world.sts.clearFaults();
    }
  });

  it("stops gracefully: in-flight messages finish and are deleted, readiness turns off, nothing is left", async () => {
    const queueUrl = await newQueue();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { app, probe } = await start({ queueUrl, handler: () => gate });
    const client = producer(pod.world.sqs.endpoint);
    await sendAll(client, queueUrl, ["a", "b", "c"]);
    await vi.waitFor(() => expect(app.metrics.inFlight).toBe(3), { timeout: 10_000, interval: 20 });
    const stopping = app.stop();
    expect(app.health.readiness()).toMatchObject({ ok: false, reasons: ["shutting down"] });
    release();
    await expect(stopping).resolves.toEqual({ clean: true, abandoned: 0, returned: 0 });
    expect(app.metrics.snapshot()).toMatchObject({ received: 3, deleted: 3, inFlight: 0 });
    expect(await remaining(client, queueUrl)).toBe(0);
    await expect(probe("/livez")).rejects.toThrow();
  });

  it("at the shutdown timeout, aborts the handlers, deletes nothing, and makes the unfinished messages visible again", async () => {
    const queueUrl = await newQueue();
    const client = producer(pod.world.sqs.endpoint);
    const aborted: string[] = [];
    const { app, logs } = await start({
      queueUrl,
      // Two loops of one message each: one handler ignores the abort, the other gives up by resolving.
      env: { CONCURRENCY: "2", BATCH_SIZE: "1", VISIBILITY_TIMEOUT: "30", SHUTDOWN_TIMEOUT_MS: "300" },
      handler: (message, { signal }) =>
        new Promise<void>((resolve) => {
          if (message.Body === "ignores-abort") return;
          signal.addEventListener("abort", () => {
            aborted.push(message.Body ?? "");
            resolve();
          });
        }),
    });
    await sendAll(client, queueUrl, ["ignores-abort"]);
    await vi.waitFor(() => expect(app.metrics.inFlight).toBe(1), { timeout: 10_000, interval: 20 });
    await sendAll(client, queueUrl, ["resolves-on-abort"]);
    await vi.waitFor(() => expect(app.metrics.inFlight).toBe(2), { timeout: 10_000, interval: 20 });
    pod.world.sqs.clearSignedCalls();

    await expect(app.stop()).resolves.toEqual({ clean: false, abandoned: 2, returned: 2 });
    expect(aborted).toEqual(["resolves-on-abort"]);
    expect(app.metrics.deleted).toBe(0);
    // Visible at once, not after the 30 s visibility timeout, and never deleted.
    const output = await client.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
    );
    expect((output.Messages ?? []).map((m) => m.Body).sort()).toEqual(["ignores-abort", "resolves-on-abort"]);
    const consumerActions = pod.world.sqs.signedCalls.filter((c) => c.accessKeyId !== "AKIDPRODUCER").map((c) => c.action);
    expect(consumerActions).not.toContain("DeleteMessageBatch");
    expect(consumerActions).toContain("ChangeMessageVisibilityBatch");
    expect(logs.filter((l) => l.level === "warn" && /delete/.test(l.msg))).toEqual([]);
  });

  it("stops at once when idle, cutting the long poll short", async () => {
    const queueUrl = await newQueue();
    const { app } = await start({ queueUrl, env: { WAIT_TIME_SECONDS: "20" }, handler: async () => undefined });
    await vi.waitFor(() => expect(app.health.phaseOf(0)).toBe("receiving"), { timeout: 10_000, interval: 20 });
    const startedAt = Date.now();
    await expect(app.stop()).resolves.toEqual({ clean: true, abandoned: 0, returned: 0 });
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });
});
