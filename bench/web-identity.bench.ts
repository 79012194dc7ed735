// fromTokenFile() against the SDK's fromTokenFile (@aws-sdk/credential-providers) wrapped in smithy's memoize, both
// talking to the local STS emulator and OIDC issuer in the same run: time to first credentials, the cached hot path,
// and STS calls made for 1,000 concurrent callers over a simulated hour of 15-minute credentials.
import { fromTokenFile as sdkFromTokenFile } from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { createProjectedTokenDir, startOidcIssuer, startStsEmulator } from "@workload-identity/testing";
import { fromTokenFile } from "@workload-identity/web-identity";
import { median, printRates, timeContenders } from "./lib/hot-path.js";
import { sdkMemoize } from "./lib/sdk-memoize.js";

const ROLE = "arn:aws:iam::111122223333:role/bench";
const FIRST_CALL_RUNS = 20;
const CALLERS = 1_000;
const STEP_MS = 10_000;
const HOUR_MS = 3_600_000;


export async function run(): Promise<void> {
  let offsetMs = 0;
  const now = () => Date.now() + offsetMs;
  const issuer = await startOidcIssuer();
  const sts = await startStsEmulator({
    roles: [{ arn: ROLE, issuer: issuer.issuer, allowedSubjects: ["system:serviceaccount:bench:app"] }],
    now,
  });
  const projected = await createProjectedTokenDir();
  await projected.write(await issuer.mintServiceAccountToken({ namespace: "bench", serviceAccount: "app", lifetimeSeconds: 86_400 }));
  const clientConfig = { region: "eu-west-1", endpoint: sts.endpoint };
  const init = { webIdentityTokenFile: projected.tokenFile, roleArn: ROLE, roleSessionName: "bench", clientConfig };
  const ours = (clock?: () => number) =>
    fromTokenFile({ ...init, durationSeconds: 900, ...(clock === undefined ? {} : { refresh: { now: clock } }) });
  const sdk = (clock?: () => number) => sdkMemoize(sdkFromTokenFile({ ...init, durationSeconds: 900 }), clock);

  try {
    // Warm both code paths (module loading, first sockets) before measuring.
    await ours()();
    await sdk()();

    const firstMs = { ours: [] as number[], sdk: [] as number[] };
    for (let i = 0; i < FIRST_CALL_RUNS; i += 1) {
      for (const [name, make] of [["ours", ours], ["sdk", sdk]] as const) {
        const provider = make();
        const started = process.hrtime.bigint();
        await provider();
        firstMs[name].push(Number(process.hrtime.bigint() - started) / 1e6);
      }
    }
    console.log(`Time to first credentials (new provider each time, median of ${FIRST_CALL_RUNS}, emulator on loopback):`);
    console.table([
      { provider: "fromTokenFile()", "median ms": median(firstMs.ours).toFixed(2) },
      { provider: "SDK fromTokenFile + memoize", "median ms": median(firstMs.sdk).toFixed(2) },
    ]);

    const hotOurs = ours();
    const hotSdk = sdk();
    await hotOurs();
    await hotSdk();
    const ns = await timeContenders([
      { name: "fromTokenFile()", fn: () => hotOurs() },
      { name: "SDK fromTokenFile + memoize", fn: () => hotSdk() },
    ]);
    console.log("Cached hot path (median of 5 interleaved rounds):");
    printRates(ns, "SDK fromTokenFile + memoize");

    const simulate = async (provider: AwsCredentialIdentityProvider): Promise<number> => {
      offsetMs = 0;
      const before = sts.callCount;
      for (let elapsed = 0; elapsed <= HOUR_MS; elapsed += STEP_MS) {
        offsetMs = elapsed;
        await Promise.all(Array.from({ length: CALLERS }, () => provider()));
      }
      await new Promise((resolve) => setTimeout(resolve, 200)); // let a background refresh land
      return sts.callCount - before;
    };
    const ourCalls = await simulate(ours(now));
    const sdkCalls = await simulate(sdk(now));
    console.log(
      `STS calls, ${CALLERS.toLocaleString("en-US")} concurrent callers every ${STEP_MS / 1000} s over a simulated hour ` +
        `of 900 s credentials: fromTokenFile() ${ourCalls}, SDK fromTokenFile + memoize ${sdkCalls}`,
    );
  } finally {
    offsetMs = 0;
    await projected.remove();
    await sts.close();
    await issuer.close();
  }
}
