// credentialRecovery(): a service starts refusing the credentials the cache holds (a session revoked, the service's
// clock ahead). Measured with real SDK S3 clients over loopback HTTP: an S3-style server that refuses the revoked
// access key with ExpiredToken, and fromTokenFile() against the local STS emulator and OIDC issuer.
//   - time from the first refused request to the first that succeeds, with the plugin (one call: refused, one forced
//     refresh, one retry);
//   - STS calls (refreshes) for 1,000 concurrent requests refused at once (target 1), and how long they all took;
//   - the same 1,000 without the plugin: every one fails, and nothing refreshes until the cache's own schedule.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ListBucketsCommand, S3Client } from "@aws-sdk/client-s3";
import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { credentialRecovery } from "@workload-identity/credentials";
import { createProjectedTokenDir, startOidcIssuer, startStsEmulator } from "@workload-identity/testing";
import { fromTokenFile } from "@workload-identity/web-identity";
import { median } from "./lib/hot-path.js";

const ROLE = "arn:aws:iam::111122223333:role/bench";
const RUNS = 20;
const CONCURRENT = 1_000;

/** An S3 ListBuckets endpoint that answers ExpiredToken (400) to any revoked access key id. */
async function startRefusingS3(): Promise<{ endpoint: string; revoked: Set<string>; requests: () => number; close: () => Promise<void> }> {
  const revoked = new Set<string>();
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests += 1;
    request.resume();
    request.on("end", () => {
      const accessKeyId = /Credential=([^/]+)\//.exec(request.headers.authorization ?? "")?.[1] ?? "";
      if (revoked.has(accessKeyId)) {
        response.writeHead(400, { "content-type": "application/xml" });
        response.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>');
        return;
      }
      response.writeHead(200, { "content-type": "application/xml" });
      response.end('<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    revoked,
    requests: () => requests,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

interface World {
  readonly sts: Awaited<ReturnType<typeof startStsEmulator>>;
  readonly s3: Awaited<ReturnType<typeof startRefusingS3>>;
  /** A client whose credentials (from a new fromTokenFile()) are cached, then revoked by the service. */
  revokedClient(recover: boolean): Promise<S3Client>;
}

/** One `send` after the revocation: refused, one forced refresh, one retry. Milliseconds, one per run. */
async function timeToRecovery(world: World): Promise<number[]> {
  const recoveryMs: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const client = await world.revokedClient(true);
    const started = process.hrtime.bigint();
    await client.send(new ListBucketsCommand({}));
    recoveryMs.push(Number(process.hrtime.bigint() - started) / 1e6);
    client.destroy();
  }
  return recoveryMs;
}

/** CONCURRENT requests refused at once: STS calls, failures, S3 requests and the time for all to settle. */
async function burst(world: World, recover: boolean) {
  const client = await world.revokedClient(recover);
  const stsBefore = world.sts.callCount;
  const s3Before = world.s3.requests();
  const started = process.hrtime.bigint();
  const results = await Promise.allSettled(Array.from({ length: CONCURRENT }, () => client.send(new ListBucketsCommand({}))));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  client.destroy();
  return {
    refreshes: world.sts.callCount - stsBefore,
    failed: results.filter((result) => result.status === "rejected").length,
    s3Requests: world.s3.requests() - s3Before,
    ms,
  };
}

function print(recoveryMs: number[], withPlugin: Awaited<ReturnType<typeof burst>>, without: Awaited<ReturnType<typeof burst>>): void {
  console.log(`Time from the first refused request to the first that succeeds, with the plugin (median of ${RUNS}; one call: refused, forced refresh at the STS emulator, retry):`);
  console.table([{ "median ms": median(recoveryMs).toFixed(2), "min ms": Math.min(...recoveryMs).toFixed(2), "max ms": Math.max(...recoveryMs).toFixed(2) }]);
  console.log(`${CONCURRENT.toLocaleString("en-US")} concurrent requests refused at once (ExpiredToken):`);
  const row = (client: string, result: typeof withPlugin) => ({
    client,
    "refreshes (STS calls)": result.refreshes,
    "failed requests": result.failed,
    "S3 requests": result.s3Requests,
    "all settled, ms": result.ms.toFixed(0),
  });
  console.table([row("with credentialRecovery()", withPlugin), row("without", without)]);
  console.log(`${withPlugin.refreshes === 1 ? "PASS" : "FAIL"} one refresh for ${CONCURRENT.toLocaleString("en-US")} concurrent refused requests (${withPlugin.refreshes})`);
}

export async function run(): Promise<void> {
  const issuer = await startOidcIssuer();
  const sts = await startStsEmulator({ roles: [{ arn: ROLE, issuer: issuer.issuer, allowedSubjects: ["system:serviceaccount:bench:app"] }] });
  const projected = await createProjectedTokenDir();
  await projected.write(await issuer.mintServiceAccountToken({ namespace: "bench", serviceAccount: "app", lifetimeSeconds: 86_400 }));
  const s3 = await startRefusingS3();
  const world: World = {
    sts,
    s3,
    async revokedClient(recover) {
      const credentials: AwsCredentialIdentityProvider = fromTokenFile({
        webIdentityTokenFile: projected.tokenFile,
        roleArn: ROLE,
        roleSessionName: "bench",
        clientConfig: { region: "eu-west-1", endpoint: sts.endpoint },
      });
      const client = new S3Client({ region: "eu-west-1", endpoint: s3.endpoint, forcePathStyle: true, credentials });
      if (recover) client.middlewareStack.use(credentialRecovery());
      await client.send(new ListBucketsCommand({}));
      s3.revoked.add((await credentials()).accessKeyId);
      return client;
    },
  };
  try {
    // Warm the code paths (module loading, sockets) before measuring.
    await (await world.revokedClient(true)).send(new ListBucketsCommand({}));
    const recoveryMs = await timeToRecovery(world);
    print(recoveryMs, await burst(world, true), await burst(world, false));
  } finally {
    await s3.close();
    await projected.remove();
    await sts.close();
    await issuer.close();
  }
}
