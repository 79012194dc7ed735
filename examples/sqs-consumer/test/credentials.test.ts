// The consumer's credentials beyond the pod's own role: credentialRecovery() when SQS refuses a set the cache still
// holds, and role chaining through ASSUME_ROLE_ARN. Credentials live 15 minutes here, so only the tests refresh them.
import { describe, expect, it, vi } from "vitest";
import { producer, sendAll, useTestConsumers } from "./support/app.js";

const ROLE_B = "arn:aws:iam::444455556666:role/reports";

const pod = useTestConsumers({ credentialLifetimeSeconds: 900, chainedRoles: [{ arn: ROLE_B, externalId: "shop-42" }] }, "credentials-test");

async function start(env: Record<string, string> = {}) {
  const queueUrl = await pod.newQueue();
  return { ...(await pod.start({ queueUrl, env, handler: async () => undefined })), queueUrl };
}

const consumerCalls = () => pod.world.sqs.signedCalls.filter((call) => call.accessKeyId !== "AKIDPRODUCER");

describe("credentialRecovery() on the consumer's SQS client", () => {
  it("refreshes credentials SQS refuses, retries the call once, and counts it in /metrics", async () => {
    const { app, logs, probe, queueUrl } = await start();
    await sendAll(producer(pod.world.sqs.endpoint), queueUrl, ["before"]);
    await vi.waitFor(() => expect(app.metrics.deleted).toBe(1), { timeout: 10_000, interval: 50 });

    // As when the session is revoked: SQS refuses the key the cache still holds, valid for 15 more minutes.
    const refusedKey = consumerCalls().at(-1)?.accessKeyId ?? "";
    pod.world.sqs.refuseCredentials(refusedKey);
    await sendAll(producer(pod.world.sqs.endpoint), queueUrl, ["after"]);
    await vi.waitFor(() => expect(app.metrics.deleted).toBe(2), { timeout: 10_000, interval: 50 });

    expect(app.metrics.credentialRecoveryEvents).toMatchObject({ "credentials-refused": 1, "refresh-forced": 1, retried: 1, "not-retried": 0 });
    expect(app.metrics.pollErrors).toBe(0);
    const metrics = (await probe("/metrics")).body;
    expect(metrics).toMatch(/^sqs_consumer_credential_recovery_events_total\{type="refresh-forced"\} 1$/m);
    expect(metrics).toMatch(/^sqs_consumer_credential_recovery_events_total\{type="retried"\} 1$/m);
    // The refused call, then the same call again with new credentials STS issued, and only those from then on.
    const calls = consumerCalls();
    const after = calls.slice(calls.findLastIndex((call) => call.accessKeyId === refusedKey) + 1);
    expect(after.length).toBeGreaterThan(0);
    expect(new Set(after.map((call) => call.accessKeyId)).size).toBe(1);
    expect(pod.world.sts.credentialsIssued().map((c) => c.accessKeyId)).toContain(after[0]?.accessKeyId);
    expect(logs.filter((l) => l.component === "credentials" && /refused the credentials \(InvalidClientTokenId/.test(l.msg))).toHaveLength(1);
  });
});

describe("role chaining (ASSUME_ROLE_ARN)", () => {
  it("signs every SQS call with role B's credentials, assumed with the pod's and its external id", async () => {
    const { app, queueUrl } = await start({ ASSUME_ROLE_ARN: ROLE_B, ASSUME_ROLE_EXTERNAL_ID: "shop-42" });
    pod.world.sqs.clearSignedCalls();
    await sendAll(producer(pod.world.sqs.endpoint), queueUrl, ["chained"]);
    await vi.waitFor(() => expect(app.metrics.deleted).toBe(1), { timeout: 10_000, interval: 50 });

    const roleBKeys = new Set(
      pod.world.sts.credentialsIssued().filter((c) => c.assumedRoleArn.startsWith("arn:aws:sts::444455556666:assumed-role/reports/")).map((c) => c.accessKeyId),
    );
    expect(consumerCalls().length).toBeGreaterThan(0);
    for (const call of consumerCalls()) expect(roleBKeys.has(call.accessKeyId), call.action).toBe(true);
    const assumeRole = pod.world.sts.calls.filter((call) => call.action === "AssumeRole");
    expect(assumeRole.at(-1)).toMatchObject({ roleArn: ROLE_B, status: 200, signed: true });
  });

  it("turns unready naming role B when its trust policy refuses the external id", async () => {
    const { probe } = await start({ ASSUME_ROLE_ARN: ROLE_B, ASSUME_ROLE_EXTERNAL_ID: "shop-43" });
    const ready = await probe("/readyz");
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toMatchObject({ reasons: [expect.stringMatching(/^credentials failing \(ASSUME_ROLE_ACCESS_DENIED, /)] });
    expect(pod.world.sts.calls.at(-1)).toMatchObject({ action: "AssumeRole", roleArn: ROLE_B, status: 403, errorCode: "AccessDenied" });
  });
});
