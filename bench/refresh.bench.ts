// withRefresh against the SDK's memoize over the same source, and a bare `async () => cached` (the floor).
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { withRefresh } from "@workload-identity/refresh";
import { printRates, timeContenders } from "./lib/hot-path.js";
import { sdkMemoize } from "./lib/sdk-memoize.js";

const HOUR_MS = 3_600_000;

const credentials = (expiresAt: number): AwsCredentialIdentity => ({
  accessKeyId: "AKIDBENCH",
  secretAccessKey: "bench-secret",
  sessionToken: "bench-token",
  expiration: new Date(expiresAt),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function hotPath(): Promise<void> {
  const cached = credentials(Date.now() + HOUR_MS);
  const source = async () => cached;
  const ours = withRefresh(source);
  const sdk = sdkMemoize(source);
  const bare = async () => cached;
  await ours();
  await sdk();
  const ns = await timeContenders([
    { name: "bare async () => cached", fn: () => bare() },
    { name: "withRefresh", fn: () => ours() },
    { name: "SDK memoize", fn: () => sdk() },
  ]);
  console.log("Cached hot path (median of 5 interleaved rounds):");
  printRates(ns, "bare async () => cached");
}

async function concurrentFirstCalls(): Promise<void> {
  let ourCalls = 0;
  let sdkCalls = 0;
  const ours = withRefresh(async () => {
    ourCalls += 1;
    await sleep(5);
    return credentials(Date.now() + HOUR_MS);
  });
  const sdk = sdkMemoize(async () => {
    sdkCalls += 1;
    await sleep(5);
    return credentials(Date.now() + HOUR_MS);
  });
  await Promise.all(Array.from({ length: 10_000 }, () => ours()));
  await Promise.all(Array.from({ length: 10_000 }, () => sdk()));
  console.log(`10,000 concurrent first calls → source calls: withRefresh ${ourCalls}, SDK memoize ${sdkCalls}`);
}

/** Both caches hold credentials inside their refresh window; the source takes 50 ms. How long do callers wait? */
async function advisoryWindowWait(): Promise<void> {
  let lifetimeMs = 4 * 60_000; // inside the SDK's 5-minute refresh window from the start
  let skewMs = 0;
  const slowSource = async () => {
    await sleep(50);
    return credentials(Date.now() + lifetimeMs);
  };
  const ours = withRefresh(slowSource, { jitter: false, now: () => Date.now() + skewMs });
  const sdk = sdkMemoize(slowSource);
  await ours();
  await sdk();
  lifetimeMs = HOUR_MS;
  skewMs = 2 * 60_000; // our advisory window for 4-minute credentials opens after 1 minute

  const waits = async (provider: AwsCredentialIdentityProvider) => {
    const started = performance.now();
    const times = await Promise.all(
      Array.from({ length: 10_000 }, () => provider().then(() => performance.now() - started)),
    );
    times.sort((a, b) => a - b);
    return { p50: times[5_000] ?? 0, max: times[9_999] ?? 0, waited: times.filter((t) => t >= 45).length };
  };
  const ourWait = await waits(ours);
  const sdkWait = await waits(sdk);
  const line = (name: string, w: { p50: number; max: number; waited: number }) =>
    `${name}: p50 ${w.p50.toFixed(1)} ms, max ${w.max.toFixed(1)} ms, ${w.waited} callers waited ≥ 45 ms`;
  console.log("10,000 concurrent callers inside the refresh window, source takes 50 ms →");
  console.log(`  ${line("withRefresh", ourWait)}`);
  console.log(`  ${line("SDK memoize", sdkWait)}`);
}

async function failingSource(): Promise<void> {
  let ourCalls = 0;
  let sdkCalls = 0;
  const ours = withRefresh(async () => {
    ourCalls += 1;
    throw new Error("STS unavailable");
  });
  const sdk = sdkMemoize(async () => {
    sdkCalls += 1;
    throw new Error("STS unavailable");
  });
  for (let i = 0; i < 1_000; i += 1) {
    await ours().catch(() => undefined);
    await sdk().catch(() => undefined);
  }
  console.log(`Failing source, 1,000 sequential calls → source calls: withRefresh ${ourCalls}, SDK memoize ${sdkCalls}`);
}

export async function run(): Promise<void> {
  await hotPath();
  await concurrentFirstCalls();
  await advisoryWindowWait();
  await failingSource();
}
