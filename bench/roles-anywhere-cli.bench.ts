// The `roles-anywhere` bin as the AWS CLI and a pod run it, from the BUILT dist (`pnpm --filter
// @workload-identity/roles-anywhere build` first):
// - start time, since the AWS CLI starts `credential_process` once per command: `credential-process --cache` with a
//   valid cache entry and `--help`, against bare `node -e 0` (target: the cached run within 1.2× of bare node);
// - `serve`'s resident memory, idle and while 200 slow sockets and a token PUT flood run beside a well-behaved client.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type RolesAnywhereEmulator,
  startRolesAnywhereWorld,
  startSlowSockets,
  startTokenFlood,
} from "@workload-identity/testing";
import { peakRssKiB, type TimedCommand, timeInterleaved } from "./lib/interleaved.js";

const packageDir = fileURLToPath(new URL("../packages/cli/", import.meta.url));
/** The bin, as `package.json` names it. */
const cli = join(packageDir, "dist", "roles-anywhere.cjs");
/**
 * Another build of the CLI to measure beside this one (say, the last release's `dist/roles-anywhere.cjs`): its cache entries
 * live in its own cache directory, since the format may differ.
 */
const baselineCli = process.env.ROLES_ANYWHERE_BASELINE_CLI;
const RUNS = 30;
/** How long the flood runs: 200 slow sockets, token PUTs on 16 keep-alive connections, a client every 100 ms. */
const FLOOD_MS = 30_000;

interface World {
  readonly dir: string;
  readonly emulator: RolesAnywhereEmulator;
  readonly flags: readonly string[];
  /** A clean environment whose cache directory is the world's. */
  readonly env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

async function startWorld(): Promise<World> {
  const world = await startRolesAnywhereWorld({ roleArn: "arn:aws:iam::111122223333:role/bench-cli" });
  const { init } = world;
  const flags = ["--certificate", init.certificate, "--private-key", init.privateKey, "--intermediates",
    init.certificateChain, "--trust-anchor-arn", init.trustAnchorArn, "--profile-arn", init.profileArn, "--role-arn",
    init.roleArn, "--endpoint", init.endpoint];
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: world.dir, XDG_CACHE_HOME: join(world.dir, "cache") };
  return { dir: world.dir, emulator: world.emulator, flags, env, close: world.close };
}

/** Runs a command to completion without blocking the emulator, which answers from this process. */
async function runToEnd(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const [executable, ...args] = argv as [string, ...string[]];
  const child = spawn(executable, args, { env, stdio: ["ignore", "ignore", "pipe"] });
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`${argv.join(" ")} failed: ${errors}`);
}

async function startTime(world: World): Promise<void> {
  const node = process.execPath;
  const cached = ["credential-process", "--cache", ...world.flags];
  const baselineEnv = { ...world.env, XDG_CACHE_HOME: join(world.dir, "baseline-cache") };
  // One run of each build fills its cache; every measured run then answers from it.
  await runToEnd([node, cli, ...cached], world.env);
  if (baselineCli !== undefined) await runToEnd([node, baselineCli, ...cached], baselineEnv);
  const callsBefore = world.emulator.callCount;
  const commands: TimedCommand[] = [
    { name: "node -e 0", argv: [node, "-e", "0"], env: world.env },
    { name: "roles-anywhere --help", argv: [node, cli, "--help"], env: world.env },
    { name: "roles-anywhere credential-process --cache (cache hit)", argv: [node, cli, ...cached], env: world.env },
    // As the AWS CLI starts it: the bin itself, through its `#!/usr/bin/env node` line.
    { name: "the same through the bin's #! line", argv: [cli, ...cached], env: world.env },
    ...(baselineCli === undefined
      ? []
      : [
          { name: "baseline --help", argv: [node, baselineCli, "--help"], env: baselineEnv },
          { name: "baseline credential-process --cache (cache hit)", argv: [node, baselineCli, ...cached], env: baselineEnv },
        ]),
  ];
  const timings = timeInterleaved(commands, RUNS);
  if (world.emulator.callCount !== callsBefore) throw new Error("a measured run called CreateSession: no cache hit");
  const bare = timings[0]?.medianMs ?? Number.NaN;
  console.log(
    `Start time, ${RUNS} interleaved runs after 3 warm-up rounds (wall clock of spawnSync; node ${process.version}; ` +
      "environment: PATH, HOME and XDG_CACHE_HOME only, as NODE_EXTRA_CA_CERTS and the like slow every Node start):",
  );
  console.table(
    timings.map((timing, index) => {
      const command = commands[index] as TimedCommand;
      const rss = peakRssKiB(command);
      return {
        command: timing.name,
        "median ms": timing.medianMs.toFixed(1),
        "mean ± sd ms": `${timing.meanMs.toFixed(1)} ± ${timing.sdMs.toFixed(1)}`,
        "vs node -e 0": `${(timing.medianMs / bare).toFixed(2)}×`,
        "peak RSS MiB": rss === undefined ? "–" : (rss / 1024).toFixed(1),
      };
    }),
  );
  await timeWithHyperfine(world, commands.filter((command) => command.env === world.env));
}

/**
 * The same commands under hyperfine (Debian), each command's runs in a row. hyperfine gives every command one
 * environment: the baseline, whose cache lives elsewhere, stays out of it.
 */
async function timeWithHyperfine(world: World, sameEnv: TimedCommand[]): Promise<void> {
  const quoted = sameEnv.map((command) => `'${command.argv.join(" ")}'`).join(" ");
  const hyperfine = spawnSync("hyperfine", ["--version"], { encoding: "utf8" });
  if (hyperfine.status !== 0) {
    console.log("hyperfine not installed (apt-get install hyperfine): interleaved figures only.");
    return;
  }
  const exported = join(world.dir, "hyperfine.json");
  const args = ["-N", "--warmup", "3", "--runs", String(RUNS), "--export-json", exported, ...sameEnv.map((c) => c.argv.join(" "))];
  console.log(`\nhyperfine (each command's runs in a row): HOME=${world.dir} XDG_CACHE_HOME=${world.env.XDG_CACHE_HOME} hyperfine -N --warmup 3 --runs ${RUNS} ${quoted}`);
  const run = spawnSync("hyperfine", args, { env: world.env, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`hyperfine failed: ${run.stderr}`);
  const results = (JSON.parse(readFileSync(exported, "utf8")) as { results: { mean: number; stddev: number; median: number }[] }).results;
  const hyperBare = (results[0]?.median ?? Number.NaN) * 1000;
  console.table(
    results.map((result, index) => ({
      command: sameEnv[index]?.name,
      "median ms": (result.median * 1000).toFixed(1),
      "mean ± sd ms": `${(result.mean * 1000).toFixed(1)} ± ${(result.stddev * 1000).toFixed(1)}`,
      "vs node -e 0": `${((result.median * 1000) / hyperBare).toFixed(2)}×`,
    })),
  );
}

/** Resident and peak resident memory of a process, from /proc (Linux), in MiB. */
function memoryMiB(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) / 1024;
  return { rss: field("VmRSS"), hwm: field("VmHWM") };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `serve` as a process, and what its own log says its port is. */
async function startServe(world: World): Promise<{ pid: number; port: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [cli, "serve", ...world.flags, "--port", "0"], { env: world.env, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      const match = /"msg":"serving credentials","port":(\d+)/.exec(log);
      if (match !== null) resolve(Number(match[1]));
    });
    child.on("close", (code) => reject(new Error(`serve exited with ${String(code)}: ${log}`)));
  });
  return {
    pid: child.pid as number,
    port,
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.on("close", resolve));
    },
  };
}

/** One IMDSv2 round a client makes (token, then the role's credentials); whether it succeeded. */
async function imdsRead(origin: string): Promise<boolean> {
  try {
    const token = await fetch(`${origin}/latest/api/token`, { method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": "21600" } });
    if (token.status !== 200) return false;
    const answer = await fetch(`${origin}/latest/meta-data/iam/security-credentials/bench-cli`, { headers: { "x-aws-ec2-metadata-token": await token.text() } });
    return answer.status === 200 && ((await answer.json()) as { Code?: string }).Code === "Success";
  } catch {
    return false;
  }
}

/** The peak RSS of each 5-second span of `durationMs`, sampled every 200 ms: whether memory keeps growing. */
async function peaksBySpan(pid: number, durationMs: number): Promise<number[]> {
  const spans: number[] = [];
  const startedAt = Date.now();
  while (Date.now() - startedAt < durationMs) {
    await pause(200);
    const span = Math.floor((Date.now() - startedAt) / 5_000);
    spans[span] = Math.max(spans[span] ?? 0, memoryMiB(pid).rss);
  }
  return spans;
}

/** `serve`'s resident memory idle, then under slow sockets and a token flood beside a well-behaved client. */
async function serveMemory(world: World): Promise<void> {
  if (!existsSync("/proc/self/status")) {
    console.log("\nserve memory: needs /proc (Linux); skipped.");
    return;
  }
  const serve = await startServe(world);
  const origin = `http://127.0.0.1:${serve.port}`;
  try {
    await imdsRead(origin);
    await pause(3_000);
    const idle = memoryMiB(serve.pid);
    const slow = startSlowSockets({ port: serve.port, count: 200, headerIntervalMs: 500 });
    const flood = startTokenFlood({ port: serve.port, concurrency: 16 });
    let running = true;
    const reads = { good: 0, bad: 0 };
    const client = (async () => {
      while (running) {
        reads[(await imdsRead(origin)) ? "good" : "bad"] += 1;
        await pause(100);
      }
    })();
    const spans = await peaksBySpan(serve.pid, FLOOD_MS);
    running = false;
    await Promise.all([flood.stop(), client]);
    slow.stop();
    await pause(3_000);
    const after = memoryMiB(serve.pid);
    console.log(`\nserve resident memory (node ${process.version}, VmRSS from /proc/PID/status):`);
    console.table([
      { phase: "idle (serving, after one IMDS read)", "RSS MiB": idle.rss.toFixed(1) },
      ...spans.map((peak, span) => ({ phase: `flood, seconds ${span * 5}–${span * 5 + 5}: peak`, "RSS MiB": peak.toFixed(1) })),
      { phase: "3 s after the flood", "RSS MiB": after.rss.toFixed(1), "VmHWM MiB": after.hwm.toFixed(1) },
    ]);
    console.log(
      `flood: ${flood.tokensIssued().toLocaleString("en-US")} tokens issued, ` +
        `${slow.closedLifetimesMs.length.toLocaleString("en-US")} slow sockets closed by serve; ` +
        `well-behaved client: ${reads.good} reads succeeded, ${reads.bad} failed`,
    );
  } finally {
    await serve.stop();
  }
}

export async function run(): Promise<void> {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run pnpm --filter @workload-identity/cli build first`);
  const world = await startWorld();
  try {
    await startTime(world);
    await serveMemory(world);
  } finally {
    await world.close();
  }
}
