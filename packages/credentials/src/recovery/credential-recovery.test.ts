import { Readable } from "node:stream";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import { GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { withRefresh } from "@workload-identity/refresh";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type CredentialRecoveryEvent, credentialRecovery } from "./credential-recovery.js";
import { clearRecoveryState } from "./recovery-state.js";

/** How the fake service answers a request signed with a given access key id. */
type Answer = { status: number; headers?: Record<string, string>; body: string };

const s3Error = (code: string, status: number, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { "content-type": "application/xml", ...headers },
  body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>refused</Message><RequestId>r1</RequestId></Error>`,
});
const LISTING: Answer = {
  status: 200,
  headers: { "content-type": "application/xml" },
  body: '<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>',
};

/**
 * A service behind an SDK client's requestHandler: it answers by the access key id of the SigV4 Authorization header
 * (as a service checks the credentials before anything else) and records every key it saw.
 */
function fakeService(answer: (accessKeyId: string) => Answer) {
  const seen: string[] = [];
  const requestHandler = {
    handle: async (request: { headers: Record<string, string> }) => {
      const accessKeyId = /Credential=([^/]+)\//.exec(request.headers["authorization"] ?? "")?.[1] ?? "(unsigned)";
      seen.push(accessKeyId);
      const { status, headers = {}, body } = answer(accessKeyId);
      return { response: { statusCode: status, headers: { date: new Date().toUTCString(), ...headers }, body: Readable.from([Buffer.from(body)]) } };
    },
  };
  return { requestHandler, seen };
}

/** A cached provider over a source that hands out AKIDTEST0001, AKIDTEST0002, … each valid for an hour. */
function numberedProvider() {
  let issued = 0;
  const source = vi.fn(async (): Promise<AwsCredentialIdentity> => {
    issued += 1;
    return {
      accessKeyId: `AKIDTEST${String(issued).padStart(4, "0")}`,
      secretAccessKey: `secret-${issued}-${"x".repeat(30)}`,
      sessionToken: `token-${issued}-${"y".repeat(30)}`,
      expiration: new Date(Date.now() + 3_600_000),
    };
  });
  return { provider: withRefresh(source), source };
}

function s3With(provider: AwsCredentialIdentityProvider, service: ReturnType<typeof fakeService>): S3Client {
  return new S3Client({ region: "us-east-1", credentials: provider, requestHandler: service.requestHandler, maxAttempts: 3 });
}

describe(credentialRecovery.name, () => {
  afterEach(() => {
    clearRecoveryState();
  });

  it("forces one refresh of the provider and sends the refused request once more, with the new credentials", async () => {
    const { provider, source } = numberedProvider();
    const service = fakeService((key) => (key === "AKIDTEST0001" ? s3Error("ExpiredToken", 400) : LISTING));
    const s3 = s3With(provider, service);
    const events: CredentialRecoveryEvent[] = [];
    s3.middlewareStack.use(credentialRecovery({ onEvent: (event) => events.push(event) }));

    await expect(s3.send(new ListBucketsCommand({}))).resolves.toMatchObject({ $metadata: { httpStatusCode: 200 } });

    expect(service.seen).toEqual(["AKIDTEST0001", "AKIDTEST0002"]);
    expect(source).toHaveBeenCalledTimes(2);
    expect(events.map((event) => event.type)).toEqual(["credentials-refused", "refresh-forced", "retried"]);
    expect(events[0]).toMatchObject({ code: "ExpiredToken", reason: "refused-code", httpStatusCode: 400 });
  });

  it("sits last in the initialize step, around identity resolution, the SDK's retries and signing", () => {
    const s3 = new S3Client({ region: "us-east-1" });
    s3.middlewareStack.use(credentialRecovery());
    s3.middlewareStack.use(credentialRecovery());
    const names = s3.middlewareStack.identify();
    const initialize = names.filter((name) => name.endsWith("- initialize"));
    expect(initialize.at(-1)).toBe("workloadIdentityCredentialRecoveryMiddleware - initialize");
    expect(names.filter((name) => name.startsWith("workloadIdentityCredentialRecoveryMiddleware"))).toHaveLength(1);
  });

  it("without it, the refusal reaches the caller and the cache keeps the refused credentials", async () => {
    const { provider, source } = numberedProvider();
    const service = fakeService((key) => (key === "AKIDTEST0001" ? s3Error("ExpiredToken", 400) : LISTING));
    const s3 = s3With(provider, service);

    await expect(s3.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: "ExpiredToken" });
    await expect(s3.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: "ExpiredToken" });
    expect(source).toHaveBeenCalledTimes(1);
  });

  it("makes 1,000 concurrent refused requests cause one refresh, and later requests skip the refused set", async () => {
    const { provider, source } = numberedProvider();
    const service = fakeService((key) => (key === "AKIDTEST0001" ? s3Error("ExpiredToken", 400) : LISTING));
    const s3 = s3With(provider, service);
    s3.middlewareStack.use(credentialRecovery());
    await provider();

    const results = await Promise.allSettled(Array.from({ length: 1_000 }, () => s3.send(new ListBucketsCommand({}))));

    expect(results.filter((result) => result.status === "rejected")).toEqual([]);
    expect(source).toHaveBeenCalledTimes(2);
    expect(service.seen.filter((key) => key === "AKIDTEST0002")).toHaveLength(1_000);
    // The SDK client's own memo still holds the refused set; the plugin signs with the new one from the start.
    service.seen.length = 0;
    await s3.send(new ListBucketsCommand({}));
    expect(service.seen).toEqual(["AKIDTEST0002"]);
    expect(source).toHaveBeenCalledTimes(2);
  });

  it("shares one recovery between clients and plugins of the same provider", async () => {
    const { provider, source } = numberedProvider();
    const service = fakeService((key) => (key === "AKIDTEST0001" ? s3Error("InvalidAccessKeyId", 403) : LISTING));
    const clients = [s3With(provider, service), s3With(provider, service)];
    for (const client of clients) client.middlewareStack.use(credentialRecovery());
    await provider();

    await Promise.all(clients.flatMap((client) => [client.send(new ListBucketsCommand({})), client.send(new ListBucketsCommand({}))]));

    expect(source).toHaveBeenCalledTimes(2);
  });

  it("returns a refusal that persists after the refresh as it is: one retry, no loop, no second refresh so soon", async () => {
    const { provider, source } = numberedProvider();
    const service = fakeService(() => s3Error("InvalidToken", 400));
    const s3 = s3With(provider, service);
    const events: CredentialRecoveryEvent[] = [];
    s3.middlewareStack.use(credentialRecovery({ onEvent: (event) => events.push(event) }));

    await expect(s3.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: "InvalidToken" });
    expect(service.seen).toEqual(["AKIDTEST0001", "AKIDTEST0002"]);
    expect(events.at(-1)).toEqual({ type: "retried", code: "InvalidToken", succeeded: false });

    // The new set is refused too: within minRefreshIntervalMs that is returned as it is.
    await expect(s3.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: "InvalidToken" });
    expect(service.seen).toEqual(["AKIDTEST0001", "AKIDTEST0002", "AKIDTEST0002"]);
    expect(events.at(-1)).toEqual({ type: "not-retried", code: "InvalidToken", why: "too-soon" });
    expect(source).toHaveBeenCalledTimes(2);
  });

  it("forces a refresh for a newly refused set again once minRefreshIntervalMs has passed", async () => {
    const { provider, source } = numberedProvider();
    const service = fakeService((key) => (key === "AKIDTEST0003" ? LISTING : s3Error("ExpiredToken", 400)));
    let now = 0;
    const s3 = s3With(provider, service);
    s3.middlewareStack.use(credentialRecovery({ minRefreshIntervalMs: 5_000, now: () => now }));

    await expect(s3.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: "ExpiredToken" });
    now = 4_999;
    await expect(s3.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: "ExpiredToken" });
    now = 5_000;
    await expect(s3.send(new ListBucketsCommand({}))).resolves.toBeDefined();
    expect(source).toHaveBeenCalledTimes(3);
  });

  it("does not retry when the forced refresh hands back the refused credentials", async () => {
    const source = vi.fn(async () => ({ accessKeyId: "AKIDSTATIC", secretAccessKey: "s".repeat(40) }));
    const provider = withRefresh(source);
    const service = fakeService(() => s3Error("InvalidClientTokenId", 403));
    const s3 = s3With(provider, service);
    const events: CredentialRecoveryEvent[] = [];
    s3.middlewareStack.use(credentialRecovery({ onEvent: (event) => events.push(event) }));

    await expect(s3.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: "InvalidClientTokenId" });
    expect(service.seen).toEqual(["AKIDSTATIC"]);
    expect(events.at(-1)).toMatchObject({ type: "not-retried", why: "same-credentials" });
  });

  it("never retries AccessDenied while the credentials are valid by the service's clock", async () => {
    const { provider, source } = numberedProvider();
    const service = fakeService(() => s3Error("AccessDenied", 403));
    const s3 = s3With(provider, service);
    const onEvent = vi.fn();
    s3.middlewareStack.use(credentialRecovery({ onEvent }));

    await expect(s3.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: "AccessDenied" });
    expect(service.seen).toEqual(["AKIDTEST0001"]);
    expect(source).toHaveBeenCalledTimes(1);
    expect(onEvent).not.toHaveBeenCalled();
  });

  it("counts a 403 as refused credentials when the service's own clock is past their expiration (radosgw's AccessDenied)", async () => {
    const { provider, source } = numberedProvider();
    const twoHoursAhead = new Date(Date.now() + 2 * 3_600_000).toUTCString();
    const service = fakeService((key) => (key === "AKIDTEST0001" ? s3Error("AccessDenied", 403, { date: twoHoursAhead }) : LISTING));
    const s3 = s3With(provider, service);
    const events: CredentialRecoveryEvent[] = [];
    s3.middlewareStack.use(credentialRecovery({ onEvent: (event) => events.push(event) }));

    await expect(s3.send(new ListBucketsCommand({}))).resolves.toBeDefined();
    expect(events[0]).toMatchObject({ type: "credentials-refused", code: "AccessDenied", reason: "expired-by-service-clock" });
    expect(source).toHaveBeenCalledTimes(2);
  });

  it("leaves RequestTimeTooSkewed to the SDK's clock-skew correction", async () => {
    const { provider, source } = numberedProvider();
    const service = fakeService(() => s3Error("RequestTimeTooSkewed", 403));
    const s3 = s3With(provider, service);
    const onEvent = vi.fn();
    s3.middlewareStack.use(credentialRecovery({ onEvent }));

    await expect(s3.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: "RequestTimeTooSkewed" });
    expect(source).toHaveBeenCalledTimes(1);
    expect(onEvent).not.toHaveBeenCalled();
  });

  it("recovers from the JSON protocol's UnrecognizedClientException (SQS)", async () => {
    const { provider, source } = numberedProvider();
    const service = fakeService((key) =>
      key === "AKIDTEST0001"
        ? {
            status: 400,
            headers: { "content-type": "application/x-amz-json-1.0" },
            body: JSON.stringify({ __type: "com.amazon.coral.service#UnrecognizedClientException", message: "The security token included in the request is invalid." }),
          }
        : { status: 200, headers: { "content-type": "application/x-amz-json-1.0" }, body: JSON.stringify({ QueueUrl: "https://sqs/q" }) },
    );
    const sqs = new SQSClient({ region: "us-east-1", credentials: provider, requestHandler: service.requestHandler });
    sqs.middlewareStack.use(credentialRecovery());

    await expect(sqs.send(new GetQueueUrlCommand({ QueueName: "q" }))).resolves.toMatchObject({ QueueUrl: "https://sqs/q" });
    expect(service.seen).toEqual(["AKIDTEST0001", "AKIDTEST0002"]);
    expect(source).toHaveBeenCalledTimes(2);
  });

  it("recovers from the Query protocol's ExpiredToken (STS)", async () => {
    const { provider } = numberedProvider();
    const service = fakeService((key) =>
      key === "AKIDTEST0001"
        ? {
            status: 403,
            headers: { "content-type": "text/xml" },
            body: "<ErrorResponse><Error><Type>Sender</Type><Code>ExpiredToken</Code><Message>The security token included in the request is expired</Message></Error><RequestId>r</RequestId></ErrorResponse>",
          }
        : {
            status: 200,
            headers: { "content-type": "text/xml" },
            body: "<GetCallerIdentityResponse><GetCallerIdentityResult><Account>111122223333</Account><Arn>arn:aws:sts::111122223333:assumed-role/r/s</Arn><UserId>U</UserId></GetCallerIdentityResult></GetCallerIdentityResponse>",
          },
    );
    const sts = new STSClient({ region: "us-east-1", credentials: provider, requestHandler: service.requestHandler });
    sts.middlewareStack.use(credentialRecovery());

    await expect(sts.send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Account: "111122223333" });
    expect(service.seen).toEqual(["AKIDTEST0001", "AKIDTEST0002"]);
  });

  it("refreshes a provider the SDK memoizes itself (not a withRefresh cache) through the client's memo", async () => {
    let issued = 0;
    const plain = vi.fn(async () => ({ accessKeyId: `AKIDPLAIN${++issued}`, secretAccessKey: "p".repeat(40), expiration: new Date(Date.now() + 3_600_000) }));
    const service = fakeService((key) => (key === "AKIDPLAIN1" ? s3Error("ExpiredToken", 400) : LISTING));
    const s3 = s3With(plain, service);
    s3.middlewareStack.use(credentialRecovery());

    await Promise.all(Array.from({ length: 10 }, () => s3.send(new ListBucketsCommand({}))));

    expect(plain).toHaveBeenCalledTimes(2);
    expect(service.seen.filter((key) => key === "AKIDPLAIN2")).toHaveLength(10);
  });

  it("refuses bad arguments synchronously, naming the option", () => {
    expect(() => credentialRecovery("options" as never)).toThrow(TypeError);
    expect(() => credentialRecovery({ minRefreshIntervalMs: -1 })).toThrow(/minRefreshIntervalMs/);
    expect(() => credentialRecovery({ refusedCodes: [""] })).toThrow(/refusedCodes/);
    expect(() => credentialRecovery({ onEvent: 1 as never })).toThrow(/onEvent/);
    expect(() => credentialRecovery({ logger: {} as never })).toThrow(/logger\.warn/);
  });
});
