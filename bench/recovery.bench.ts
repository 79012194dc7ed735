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

export async function run(): Promise<void> {
  const issuer = await startOidcIssuer();
  const sts = await startStsEmulator({ roles: [{ arn: ROLE, issuer: issuer.issuer, allowedSubjects: ["system:serviceaccount:bench:app"] }] });
  const projected = await createProjectedTokenDir();
  await projected.write(await issuer.mintServiceAccountToken({ namespace: "bench", serviceAccount: "app", lifetimeSeconds: 86_400 }));
  const s3 = await startRefusingS3();
  const provider = (): AwsCredentialIdentityProvider =>
    fromTokenFile({
      webIdentityTokenFile: projected.tokenFile,
      roleArn: ROLE,
      roleSessionName: "bench",
      clientConfig: { region: "eu-west-1", endpoint: sts.endpoint },
    });
  const client = (credentials: AwsCredentialIdentityProvider, recover: boolean): S3Client => {
    const made = new S3Client({ region: "eu-west-1", endpoint: s3.endpoint, forcePathStyle: true, credentials });
    if (recover) made.middlewareStack.use(credentialRecovery());
    return made;
  };
  /** A client whose credentials are cached, then revoked by the service. */
  const revokedClient = async (recover: boolean) => {
    const credentials = provider();
    const made = client(credentials, recover);
    await made.send(new ListBucketsCommand({}));
    s3.revoked.add((await credentials()).accessKeyId);
    return { made, credentials };
  };

  try {
    // Warm the code paths (module loading, sockets) before measuring.
    await (await revokedClient(true)).made.send(new ListBucketsCommand({}));

    const recoveryMs: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      const { made } = await revokedClient(true);
      const started = process.hrtime.bigint();
      await made.send(new ListBucketsCommand({}));
      recoveryMs.push(Number(process.hrtime.bigint() - started) / 1e6);
      made.destroy();
    }

    const burst = async (recover: boolean) => {
      const { made } = await revokedClient(recover);
      const stsBefore = sts.callCount;
      const s3Before = s3.requests();
      const started = process.hrtime.bigint();
      const results = await Promise.allSettled(Array.from({ length: CONCURRENT }, () => made.send(new ListBucketsCommand({}))));
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      made.destroy();
      return {
        refreshes: sts.callCount - stsBefore,
        failed: results.filter((result) => result.status === "rejected").length,
        s3Requests: s3.requests() - s3Before,
        ms,
      };
    };
    const withPlugin = await burst(true);
    const without = await burst(false);

    console.log(`Time from the first refused request to the first that succeeds, with the plugin (median of ${RUNS}; one call: refused, forced refresh at the STS emulator, retry):`);
    console.table([{ "median ms": median(recoveryMs).toFixed(2), "min ms": Math.min(...recoveryMs).toFixed(2), "max ms": Math.max(...recoveryMs).toFixed(2) }]);
    console.log(`${CONCURRENT.toLocaleString("en-US")} concurrent requests refused at once (ExpiredToken):`);
    console.table([
      { client: "with credentialRecovery()", "refreshes (STS calls)": withPlugin.refreshes, "failed requests": withPlugin.failed, "S3 requests": withPlugin.s3Requests, "all settled, ms": withPlugin.ms.toFixed(0) },
      { client: "without", "refreshes (STS calls)": without.refreshes, "failed requests": without.failed, "S3 requests": without.s3Requests, "all settled, ms": without.ms.toFixed(0) },
    ]);
    console.log(`${withPlugin.refreshes === 1 ? "PASS" : "FAIL"} one refresh for ${CONCURRENT.toLocaleString("en-US")} concurrent refused requests (${withPlugin.refreshes})`);
  } finally {
    await s3.close();
    await projected.remove();
    await sts.close();
    await issuer.close();
  }
}
