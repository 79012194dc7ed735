// The test fixture's own SQS calls (queues, messages): unsigned, so they never show among the signed calls.

/** Creates a queue (idempotent) and returns its URL. */
export async function createQueue(endpoint: string, name: string, attributes?: Record<string, string>): Promise<string> {
  const body = await call(endpoint, "CreateQueue", { QueueName: name, ...(attributes === undefined ? {} : { Attributes: attributes }) });
  if (typeof body.QueueUrl !== "string") throw new Error(`fauxqs CreateQueue ${name} returned no QueueUrl`);
  return body.QueueUrl;
}

/** Sends messages (SendMessageBatch, ten at a time) and returns their ids. */
export async function sendMessages(endpoint: string, queueUrl: string, bodies: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < bodies.length; start += 10) {
    const entries = bodies.slice(start, start + 10).map((MessageBody, index) => ({ Id: String(index), MessageBody }));
    const output = await call(endpoint, "SendMessageBatch", { QueueUrl: queueUrl, Entries: entries });
    const failed = output.Failed as unknown[] | undefined;
    if (failed !== undefined && failed.length > 0) throw new Error(`SendMessageBatch failed: ${JSON.stringify(failed)}`);
    ids.push(...((output.Successful as { MessageId: string }[] | undefined) ?? []).map((e) => e.MessageId));
  }
  return ids;
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
