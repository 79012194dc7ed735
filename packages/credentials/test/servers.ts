// Small loopback servers for the credentials tests, on the testing package's emulator server: an EKS Pod Identity
// agent and a recorder of signed calls.
import { startEmulatorServer } from "@workload-identity/testing";

export interface PodIdentityAgent {
  /** e.g. `http://127.0.0.1:PORT/v1/credentials` */
  readonly uri: string;
  /** The `Authorization` header of every request, in order. */
  readonly authorizations: (string | undefined)[];
  /** Answer the next requests with this status and JSON body instead of credentials. */
  fail(status: number, body: { Code: string; Message: string }): void;
  /** Credentials handed out, without their secrets. */
  readonly issued: { accessKeyId: string }[];
  close(): Promise<void>;
}

/** The container credentials protocol as the EKS Pod Identity agent speaks it: GET, token in `Authorization`. */
export async function startPodIdentityAgent(options: { lifetimeMs?: number; secretPrefix?: string } = {}): Promise<PodIdentityAgent> {
  const authorizations: (string | undefined)[] = [];
  const issued: { accessKeyId: string }[] = [];
  let failure: { status: number; body: { Code: string; Message: string } } | undefined;
  const server = await startEmulatorServer((request) => {
    authorizations.push(request.headers.authorization);
    if (request.method !== "GET" || `${request.url.pathname}${request.url.search}` !== "/v1/credentials") return { status: 404 };
    if (failure !== undefined) {
      return { status: failure.status, headers: { "content-type": "application/json" }, body: JSON.stringify(failure.body) };
    }
    const accessKeyId = `ASIAPODIDENTITY${String(issued.length + 1).padStart(5, "0")}`;
    issued.push({ accessKeyId });
    return {
      status: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        AccessKeyId: accessKeyId,
        SecretAccessKey: `${options.secretPrefix ?? "pod-secret"}-${issued.length}`,
        Token: `${options.secretPrefix ?? "pod-session"}-token-${issued.length}`,
        AccountId: "111122223333",
        Expiration: new Date(Date.now() + (options.lifetimeMs ?? 6 * 3600_000)).toISOString(),
      }),
    };
  });
  return {
    uri: `${server.endpoint}/v1/credentials`,
    authorizations,
    issued,
    fail: (status, body) => {
      failure = { status, body };
    },
    close: () => server.close(),
  };
}

export interface SignedCallRecorder {
  readonly endpoint: string;
  /** The access key id from each request's SigV4 `Authorization` header. */
  readonly accessKeyIds: string[];
  close(): Promise<void>;
}

function accessKeyIdOf(authorization: string | undefined): string {
  const match = /Credential=([^/]+)\//.exec(authorization ?? "");
  return match?.[1] ?? "";
}

/** Answers STS GetCallerIdentity (Query protocol, XML) for any signed request, recording who signed it. */
export async function startSignedCallRecorder(): Promise<SignedCallRecorder> {
  const accessKeyIds: string[] = [];
  const server = await startEmulatorServer((request) => {
    const accessKeyId = accessKeyIdOf(request.headers.authorization);
    accessKeyIds.push(accessKeyId);
    return {
      status: 200,
      headers: { "content-type": "text/xml" },
      body:
        `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
        `<Arn>arn:aws:sts::111122223333:assumed-role/app/${accessKeyId}</Arn><UserId>AROAEXAMPLE:${accessKeyId}</UserId>` +
        `<Account>111122223333</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId>` +
        `</ResponseMetadata></GetCallerIdentityResponse>`,
    };
  });
  return { endpoint: server.endpoint, accessKeyIds, close: () => server.close() };
}
