// fromTokenFile() against the SDK's fromTokenFile (@aws-sdk/credential-providers) wrapped in smithy's memoize, both
// talking to the local STS emulator and OIDC issuer in the same run: time to first credentials, the cached hot path,
// and STS calls made for 1,000 concurrent callers over a simulated hour of 15-minute credentials.
import { fromTokenFile as sdkFromTokenFile } from "@aws-sdk/credential-providers";
import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { startWebIdentityWorld, type StsEmulator } from "@workload-identity/testing";
import { fromTokenFile } from "@workload-identity/web-identity";
import { median, printRates, timeContenders } from "./lib/hot-path.js";
import { sdkMemoize } from "./lib/sdk-memoize.js";

const ROLE = "arn:aws:iam::111122223333:role/bench";
const FIRST_CALL_RUNS = 20;
const CALLERS = 1_000;
const STEP_MS = 10_000;
const HOUR_MS = 3_600_000;

/** Makes a fresh provider, on `clock` when given. */
type Make = (clock?: () => number) => AwsCredentialIdentityProvider;
type Makers = { readonly ours: Make; readonly sdk: Make };

/** STS's clock, moved forward by the hour simulation; the issuer and the token stay on the machine's. */
function offsetClock() {
  let offsetMs = 0;
  return { now: () => Date.now() + offsetMs, set: (ms: number) => void (offsetMs = ms) };
}

export async function run(): Promise<void> {
  const clock = offsetClock();
  const world = await startWebIdentityWorld({
    roleArn: ROLE,
    namespace: "bench",
    serviceAccount: "app",
    tokenLifetimeSeconds: 86_400,
    stsNow: clock.now,
  });
  const clientConfig = { region: world.region, endpoint: world.sts.endpoint };
  const init = { webIdentityTokenFile: world.tokenDir.tokenFile, roleArn: ROLE, roleSessionName: "bench", clientConfig };
  const makers: Makers = {
    ours: (now) => fromTokenFile({ ...init, durationSeconds: 900, ...(now === undefined ? {} : { refresh: { now } }) }),
    sdk: (now) => sdkMemoize(sdkFromTokenFile({ ...init, durationSeconds: 900 }), now),
  };
  try {
    // Warm both code paths (module loading, first sockets) before measuring.
    await makers.ours()();
    await makers.sdk()();
    await timeToFirstCredentials(makers);
    await cachedHotPath(makers);
    await stsCallsOverAnHour(makers, world.sts, clock);
  } finally {
    clock.set(0);
    await world.close();
  }
}

async function timeToFirstCredentials(makers: Makers): Promise<void> {
  const firstMs = { ours: [] as number[], sdk: [] as number[] };
  for (let i = 0; i < FIRST_CALL_RUNS; i += 1) {
    for (const name of ["ours", "sdk"] as const) {
      const provider = makers[name]();
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
}

async function cachedHotPath(makers: Makers): Promise<void> {
  const hotOurs = makers.ours();
  const hotSdk = makers.sdk();
  await hotOurs();
  await hotSdk();
  const ns = await timeContenders([
    { name: "fromTokenFile()", fn: () => hotOurs() },
    { name: "SDK fromTokenFile + memoize", fn: () => hotSdk() },
  ]);
  console.log("Cached hot path (median of 5 interleaved rounds):");
  printRates(ns, "SDK fromTokenFile + memoize");
}

async function stsCallsOverAnHour(makers: Makers, sts: StsEmulator, clock: ReturnType<typeof offsetClock>): Promise<void> {
  const simulate = async (provider: AwsCredentialIdentityProvider): Promise<number> => {
    clock.set(0);
    const before = sts.callCount;
    for (let elapsed = 0; elapsed <= HOUR_MS; elapsed += STEP_MS) {
      clock.set(elapsed);
      await Promise.all(Array.from({ length: CALLERS }, () => provider()));
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // let a background refresh land
    return sts.callCount - before;
  };
  const ourCalls = await simulate(makers.ours(clock.now));
  const sdkCalls = await simulate(makers.sdk(clock.now));
  console.log(
    `STS calls, ${CALLERS.toLocaleString("en-US")} concurrent callers every ${STEP_MS / 1000} s over a simulated hour ` +
      `of 900 s credentials: fromTokenFile() ${ourCalls}, SDK fromTokenFile + memoize ${sdkCalls}`,
  );
}
