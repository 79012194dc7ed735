// The cost of our credentials in a hot SQS loop: the example consumer (sqs-consumer library, batches of ten,
// DeleteMessageBatch) draining a pre-filled fauxqs queue, with `fromEnvironmentAware()` (IRSA web identity through the
// local OIDC issuer + STS emulator, credentials living 3 s so they are refreshed during every round) against the same
// consumer given static credentials. Same process, server and handler; rounds interleaved; medians.
// Then the consumer's resident memory as its own process (as in a pod), idle and under load.
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { type AddressInfo, createServer } from "node:net";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { type SqsServer, type StsEmulator, startWebIdentityWorld, withSqsServer } from "@workload-identity/testing";
import { type CredentialsFactory, createLogger, loadConfig, startConsumerApp } from "@workload-identity/example-sqs-consumer";
import { median } from "./lib/hot-path.js";

// Rounds of a second or two; credentials living 3 s are refreshed 0.75–1.5 s after they are fetched, inside each round.
const MESSAGES = 8_000;
const ROUNDS = 6;
const CREDENTIAL_LIFETIME_SECONDS = 3;
const ROLE_ARN = "arn:aws:iam::111122223333:role/bench-consumer";
const BUILD_INFO = { name: "bench", version: "0", gitCommit: "bench", buildTime: "bench", node: process.version, platform: "bench" };

interface Round {
  readonly messagesPerSecond: number;
  /** CPU time of this process (consumer + queue server + emulators) per message: less sensitive to other load. */
  readonly cpuMicrosPerMessage: number;
  readonly credentialRefreshes: number;
}

async function drain(
  sqs: SqsServer,
  queueUrl: string,
  env: Record<string, string>,
  credentials: CredentialsFactory | undefined,
): Promise<Round> {
  const bodies = Array.from({ length: MESSAGES }, (_, i) => JSON.stringify({ order: i }));
  await sqs.sendMessages(queueUrl, bodies);
  const config = loadConfig({ ...env, QUEUE_URL: queueUrl });
  // Production JSON logging, at warn: per-message info lines would measure the log sink, the same for both.
  const logger = createLogger("warn", new Writable({ write: (_chunk, _encoding, callback) => callback() }));
  let firstReceivedAt = 0n;
  let cpuAtFirst: NodeJS.CpuUsage | undefined;
  const app = await startConsumerApp({
    config,
    logger,
    buildInfo: BUILD_INFO,
    handler: async () => {
      if (firstReceivedAt === 0n) {
        firstReceivedAt = process.hrtime.bigint();
        cpuAtFirst = process.cpuUsage();
      }
    },
    ...(credentials === undefined ? {} : { credentials }),
  });
  await new Promise<void>((resolve) => {
    const check = setInterval(() => {
      if (app.metrics.deleted >= MESSAGES) {
        clearInterval(check);
        resolve();
      }
    }, 5);
  });
  const seconds = Number(process.hrtime.bigint() - firstReceivedAt) / 1e9;
  const cpu = process.cpuUsage(cpuAtFirst);
  const credentialRefreshes = app.metrics.credentialRefreshes;
  await app.stop();
  return { messagesPerSecond: MESSAGES / seconds, cpuMicrosPerMessage: (cpu.user + cpu.system) / MESSAGES, credentialRefreshes };
}

async function rssOfProcess(
  sqs: SqsServer,
  queueUrl: string,
  env: Record<string, string>,
): Promise<{ idleMiB: number; loadMiB: number; runtime: string }> {
  const root = fileURLToPath(new URL("../", import.meta.url));
  const example = `${root}examples/sqs-consumer/`;
  let args = ["--import", "tsx", `${example}src/main.ts`];
  let runtime = "tsx (sources)";
  try {
    execFileSync("pnpm", ["--filter", "@workload-identity/example-sqs-consumer", "run", "build"], { cwd: root, stdio: "ignore" });
    if (existsSync(`${example}dist/main.mjs`) && existsSync(`${root}packages/credentials/dist/index.mjs`)) {
      args = [`${example}dist/main.mjs`];
      runtime = "node dist/main.mjs (built)";
    }
  } catch {
    // Sources through tsx: the figures then include the TypeScript loader.
  }
  const port = await freePort();
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", ...env, QUEUE_URL: queueUrl, LOG_LEVEL: "warn", STATUS_PROBE_ADDR: `127.0.0.1:${port}` },
    stdio: ["ignore", "ignore", "ignore"],
  });
  const metricsUrl = `http://127.0.0.1:${port}/metrics`;
  const scrape = async (): Promise<{ rss: number; deleted: number; ready: boolean }> => {
    const text = await fetch(metricsUrl).then((r) => r.text(), () => "");
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
    return {
      rss: value("process_resident_memory_bytes"),
      deleted: value("sqs_consumer_messages_deleted_total"),
      ready: value("sqs_consumer_ready") === 1,
    };
  };
  const waitFor = async (predicate: (s: Awaited<ReturnType<typeof scrape>>) => boolean, onSample?: (s: Awaited<ReturnType<typeof scrape>>) => void) => {
    for (;;) {
      const sample = await scrape();
      onSample?.(sample);
      if (predicate(sample)) return sample;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  await waitFor((s) => s.ready);
  // Idle: ready, long-polling an empty queue, after the start-up garbage has had a chance to be collected.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  const idle = await scrape();
  let peak = 0;
  await sqs.sendMessages(queueUrl, Array.from({ length: MESSAGES }, (_, i) => JSON.stringify({ order: i })));
  await waitFor((s) => s.deleted >= MESSAGES, (s) => {
    peak = Math.max(peak, s.rss);
  });
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
  return { idleMiB: idle.rss / 2 ** 20, loadMiB: peak / 2 ** 20, runtime };
}

/** A port free right now on 127.0.0.1 (the child binds it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function run(): Promise<void> {
  const world = await withSqsServer(
    await startWebIdentityWorld({
      roleArn: ROLE_ARN,
      namespace: "bench",
      serviceAccount: "consumer",
      credentialLifetimeSeconds: CREDENTIAL_LIFETIME_SECONDS,
    }),
  );
  // The pod's variables: token file, role, region, and the STS and SQS endpoints of the emulators.
  const podEnv = world.env;
  const appEnv = { ...podEnv, STATUS_PROBE_ADDR: "127.0.0.1:0", CONCURRENCY: "4", BATCH_SIZE: "10", WAIT_TIME_SECONDS: "1" };
  const saved = Object.fromEntries(Object.keys(podEnv).map((name) => [name, process.env[name]]));
  Object.assign(process.env, podEnv);
  try {
    const { ours, baseline, stsCalls } = await measureRounds(world.sqs, world.sts, appEnv);
    report(ours, baseline, stsCalls);
    const memory = await rssOfProcess(world.sqs, await world.sqs.createQueue("bench-rss"), appEnv);
    console.log(
      `consumer process RSS (${memory.runtime}, IRSA credentials): idle ${memory.idleMiB.toFixed(1)} MiB, ` +
        `peak while draining ${MESSAGES} messages ${memory.loadMiB.toFixed(1)} MiB`,
    );
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await world.close();
  }
}

/** One warm-up round each, then ROUNDS rounds of each in ABBA order; the STS calls made during the measured ones. */
async function measureRounds(
  sqs: SqsServer,
  sts: StsEmulator,
  appEnv: Record<string, string>,
): Promise<{ ours: Round[]; baseline: Round[]; stsCalls: number }> {
  const staticCredentials: CredentialsFactory = () => ({ accessKeyId: "AKIDBENCHSTATIC", secretAccessKey: "bench-static-secret" });
  const ours: Round[] = [];
  const baseline: Round[] = [];
  // One warm-up round each (JIT, sockets), not counted.
  await drain(sqs, await sqs.createQueue("bench-warmup-ours"), appEnv, undefined);
  await drain(sqs, await sqs.createQueue("bench-warmup-static"), appEnv, staticCredentials);
  const callsBefore = sts.callCount;
  // ABBA order, so neither side always runs first on a machine whose load drifts.
  for (let round = 0; round < ROUNDS; round += 1) {
    const runOurs = async () => ours.push(await drain(sqs, await sqs.createQueue(`bench-ours-${round}`), appEnv, undefined));
    const runBase = async () =>
      baseline.push(await drain(sqs, await sqs.createQueue(`bench-static-${round}`), appEnv, staticCredentials));
    if (round % 2 === 0) {
      await runOurs();
      await runBase();
    } else {
      await runBase();
      await runOurs();
    }
  }
  return { ours, baseline, stsCalls: sts.callCount - callsBefore };
}

function report(ours: readonly Round[], baseline: readonly Round[], stsCalls: number): void {
  const oursRate = median(ours.map((r) => r.messagesPerSecond));
  const baseRate = median(baseline.map((r) => r.messagesPerSecond));
  console.log(
    `${MESSAGES} messages per round, ${ROUNDS} rounds each (ABBA order), CONCURRENCY 4, BATCH_SIZE 10, handler a no-op; ` +
      `web identity credentials live ${CREDENTIAL_LIFETIME_SECONDS} s`,
  );
  console.table([
    {
      credentials: "fromEnvironmentAware() (IRSA via emulators)",
      "msg/s (median)": Math.round(oursRate),
      "msg/s per round": ours.map((r) => Math.round(r.messagesPerSecond)).join(" "),
      "CPU µs/msg (median)": median(ours.map((r) => r.cpuMicrosPerMessage)).toFixed(1),
      "credential fetches per round (1st + refreshes)": ours.map((r) => r.credentialRefreshes).join(" "),
    },
    {
      credentials: "static { accessKeyId, secretAccessKey }",
      "msg/s (median)": Math.round(baseRate),
      "msg/s per round": baseline.map((r) => Math.round(r.messagesPerSecond)).join(" "),
      "CPU µs/msg (median)": median(baseline.map((r) => r.cpuMicrosPerMessage)).toFixed(1),
      "credential fetches per round (1st + refreshes)": "-",
    },
  ]);
  const pairRatios = ours.map((r, i) => r.messagesPerSecond / (baseline[i]?.messagesPerSecond ?? Number.NaN));
  console.log(
    `ratio fromEnvironmentAware / static: ${(oursRate / baseRate).toFixed(3)} of medians, ` +
      `${median(pairRatios).toFixed(3)} median of round pairs (target >= 0.98)`,
  );
  const cpuRatio = median(baseline.map((r) => r.cpuMicrosPerMessage)) / median(ours.map((r) => r.cpuMicrosPerMessage));
  console.log(`CPU-time efficiency fromEnvironmentAware / static (static µs/msg ÷ ours): ${cpuRatio.toFixed(3)}`);
  console.log(`STS AssumeRoleWithWebIdentity calls during the measured rounds: ${stsCalls}`);
}
