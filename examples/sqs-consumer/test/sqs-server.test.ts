import {
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { startSqsServer, type SqsServer } from "@workload-identity/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

function client(server: SqsServer, accessKeyId: string, sessionToken?: string): SQSClient {
  return new SQSClient({
    region: "us-east-1",
    endpoint: server.endpoint,
    useQueueUrlAsEndpoint: false,
    maxAttempts: 1,
    credentials: { accessKeyId, secretAccessKey: "test-secret", ...(sessionToken === undefined ? {} : { sessionToken }) },
  });
}

describe(startSqsServer.name, () => {
  let server: SqsServer;
  beforeEach(async () => {
    server = await startSqsServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it("listens on loopback and speaks the SQS JSON protocol", async () => {
    expect(server.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const queueUrl = await server.createQueue("orders");
    const sqs = client(server, "AKIDEXAMPLE1");
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "hello" }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    expect(received.Messages?.map((m) => m.Body)).toEqual(["hello"]);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: received.Messages?.[0]?.ReceiptHandle }));
  });

  it("records the access key id and session token that signed each call", async () => {
    const queueUrl = await server.createQueue("signed");
    await client(server, "AKIDFIRST").send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "a" }));
    await client(server, "ASIASECOND", "session-token-2").send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }),
    );
    expect(server.signedCalls.map(({ action, accessKeyId, sessionToken }) => ({ action, accessKeyId, sessionToken }))).toEqual([
      { action: "SendMessage", accessKeyId: "AKIDFIRST", sessionToken: undefined },
      { action: "ReceiveMessage", accessKeyId: "ASIASECOND", sessionToken: "session-token-2" },
    ]);
    server.clearSignedCalls();
    expect(server.signedCalls).toEqual([]);
  });

  it("sends fixture messages unsigned, so they stay out of the signing log", async () => {
    const queueUrl = await server.createQueue("fixtures");
    const ids = await server.sendMessages(queueUrl, Array.from({ length: 12 }, (_, i) => `m${i}`));
    expect(new Set(ids).size).toBe(12);
    expect(server.signedCalls).toEqual([]);
    const sqs = client(server, "AKIDEXAMPLE1");
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    expect(received.Messages).toHaveLength(10);
  });

  it("can make DeleteMessageBatch refuse every entry, as SQS does for an invalid receipt handle", async () => {
    const queueUrl = await server.createQueue("refused-deletes");
    await server.sendMessages(queueUrl, ["a", "b"]);
    const sqs = client(server, "AKIDEXAMPLE1");
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    const entries = (received.Messages ?? []).map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle }));
    expect(entries).toHaveLength(2);
    server.failDeleteMessageBatchEntries();
    const refused = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    expect(refused.Successful).toEqual([]);
    expect(refused.Failed?.map((f) => [f.Id, f.Code, f.SenderFault])).toEqual([
      ["m0", "ReceiptHandleIsInvalid", true],
      ["m1", "ReceiptHandleIsInvalid", true],
    ]);
    // Only the next answer was changed.
    const next = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    expect(next.Failed).toEqual([]);
  });

  it("refuses every call signed with a refused key, with a 403 as SQS answers a revoked or expired session", async () => {
    const queueUrl = await server.createQueue("refused-keys");
    server.refuseCredentials("ASIAREVOKED");
    server.refuseCredentials("ASIAEXPIRED", "ExpiredToken");
    const receive = (sqs: SQSClient) => sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
    await expect(receive(client(server, "ASIAREVOKED", "t1"))).rejects.toMatchObject({
      name: "InvalidClientTokenId",
      $metadata: { httpStatusCode: 403 },
    });
    await expect(receive(client(server, "ASIAEXPIRED", "t2"))).rejects.toMatchObject({ name: "ExpiredToken" });
    await expect(receive(client(server, "ASIAOTHER", "t3"))).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });
    expect(server.signedCalls.map((c) => c.accessKeyId)).toEqual(["ASIAREVOKED", "ASIAEXPIRED", "ASIAOTHER"]);
  });

  it("keeps queues and messages across stop and restart, refusing connections in between", async () => {
    const queueUrl = await server.createQueue("outage");
    const sqs = client(server, "AKIDEXAMPLE1");
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "survives" }));
    await server.stop();
    await expect(sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }))).rejects.toMatchObject({
      // A kept-alive socket sees the reset; a new connection is refused.
      code: expect.stringMatching(/^ECONN(RESET|REFUSED)$/),
    });
    await server.restart();
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
    expect(received.Messages?.map((m) => m.Body)).toEqual(["survives"]);
  });
});
