// Small loopback servers for the credentials tests: an EKS Pod Identity agent and a recorder of signed calls.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

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
  const server = createServer((request, response) => {
    authorizations.push(request.headers.authorization);
    if (request.method !== "GET" || request.url !== "/v1/credentials") {
      response.writeHead(404).end();
      return;
    }
    if (failure !== undefined) {
      response.writeHead(failure.status, { "content-type": "application/json" }).end(JSON.stringify(failure.body));
      return;
    }
    const accessKeyId = `ASIAPODIDENTITY${String(issued.length + 1).padStart(5, "0")}`;
    issued.push({ accessKeyId });
    response.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        AccessKeyId: accessKeyId,
        SecretAccessKey: `${options.secretPrefix ?? "pod-secret"}-${issued.length}`,
        Token: `${options.secretPrefix ?? "pod-session"}-token-${issued.length}`,
        AccountId: "111122223333",
        Expiration: new Date(Date.now() + (options.lifetimeMs ?? 6 * 3600_000)).toISOString(),
      }),
    );
  });
  const base = await listen(server);
  return {
    uri: `${base}/v1/credentials`,
    authorizations,
    issued,
    fail: (status, body) => {
      failure = { status, body };
    },
    close: () => close(server),
  };
}

export interface SignedCallRecorder {
  readonly endpoint: string;
  /** The access key id from each request's SigV4 `Authorization` header. */
  readonly accessKeyIds: string[];
  close(): Promise<void>;
}

function accessKeyIdOf(request: IncomingMessage): string {
  const match = /Credential=([^/]+)\//.exec(request.headers.authorization ?? "");
  return match?.[1] ?? "";
}

/** Answers STS GetCallerIdentity (Query protocol, XML) for any signed request, recording who signed it. */
export async function startSignedCallRecorder(): Promise<SignedCallRecorder> {
  const accessKeyIds: string[] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      const accessKeyId = accessKeyIdOf(request);
      accessKeyIds.push(accessKeyId);
      response.writeHead(200, { "content-type": "text/xml" }).end(
        `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
          `<Arn>arn:aws:sts::111122223333:assumed-role/app/${accessKeyId}</Arn><UserId>AROAEXAMPLE:${accessKeyId}</UserId>` +
          `<Account>111122223333</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId>` +
          `</ResponseMetadata></GetCallerIdentityResponse>`,
      );
    });
  });
  const endpoint = await listen(server);
  return { endpoint, accessKeyIds, close: () => close(server) };
}
