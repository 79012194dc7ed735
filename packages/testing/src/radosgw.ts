import { type ChildProcess, execFile, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { accessSync, constants, existsSync, readFileSync, rmSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { RadosgwStartError } from "./radosgw-errors.js";
import { createRadosgwIam, type RadosgwCredentials, type RadosgwIam } from "./radosgw-requests.js";

/** How long each phase of the cold start took, in milliseconds. */
export interface RadosgwStartupTimings {
  /** Monitor map, monitor store and monitor process. */
  readonly monitorMs: number;
  /** OSD registered, formatted and started. */
  readonly osdMs: number;
  /** radosgw started until its S3 endpoint answered. */
  readonly gatewayMs: number;
  /** The admin user with IAM caps created. */
  readonly adminUserMs: number;
  readonly totalMs: number;
}

/** A throwaway single-node Ceph (one monitor, one in-memory OSD) with radosgw serving S3, STS and IAM on 127.0.0.1. */
export interface Radosgw {
  /** "http://127.0.0.1:PORT": S3, STS and IAM all answer here. */
  readonly endpoint: string;
  /** An admin user holding the `roles=*;oidc-provider=*` caps; these are throwaway keys of a throwaway cluster. */
  readonly adminCredentials: RadosgwCredentials;
  /** IAM calls signed with {@link Radosgw.adminCredentials}. */
  readonly iam: RadosgwIam;
  /** The cluster's directory (config, monitor store, logs); removed by {@link Radosgw.close}. */
  readonly dir: string;
  readonly timings: RadosgwStartupTimings;
  /** Kills every daemon and removes {@link Radosgw.dir}. Safe to call twice. */
  close(): Promise<void>;
}

/** Options of {@link startRadosgw}. */
export interface StartRadosgwOptions {
  /**
   * Parent directory; the cluster lives in a fresh `radosgw-XXXXXX` directory inside it.
   * @defaultValue the OS temp directory
   */
  dir?: string;
  /**
   * How long the whole start may take before it fails.
   * @defaultValue 90000
   */
  timeoutMs?: number;
  /**
   * Extra environment of the radosgw process alone (not the monitor, the OSD or the admin commands): e.g. libfaketime's
   * `LD_PRELOAD` and `FAKETIME_TIMESTAMP_FILE`, to move the gateway's clock mid-test. `undefined` removes a variable.
   * @defaultValue none: the daemons inherit this process's environment
   */
  gatewayEnv?: Readonly<Record<string, string | undefined>>;
}

const REQUIRED_BINARIES = ["ceph", "ceph-mon", "ceph-osd", "monmaptool", "radosgw", "radosgw-admin"] as const;
const GATEWAY_NAME = "client.rgw.wi";
const ADMIN_ACCESS_KEY_ID = "WIADMINACCESSKEY0001";

/**
 * Why radosgw cannot be started here (e.g. "radosgw not installed (missing: radosgw, ceph-osd)"), or undefined when
 * every binary is on the PATH. Synchronous, so a test file can decide `describe.skipIf` while it is collected.
 */
export function radosgwUnavailableReason(): string | undefined {
  const path = (process.env["PATH"] ?? "").split(delimiter).filter((entry) => entry !== "");
  const missing = REQUIRED_BINARIES.filter((binary) => !path.some((entry) => isExecutable(join(entry, binary))));
  return missing.length === 0 ? undefined : `radosgw not installed (missing: ${missing.join(", ")})`;
}

/**
 * Starts one ceph-mon, one memstore ceph-osd and radosgw with STS and IAM enabled, all on 127.0.0.1 with free ports
 * and without authentication between the daemons, waits until radosgw answers and creates an admin user with the IAM
 * caps. Resolves undefined when the Ceph binaries are missing (see {@link radosgwUnavailableReason} for why).
 *
 * The daemons die with the calling process even if it is killed: each runs under a small shell that kills it when
 * the pipe from this process closes.
 */
export async function startRadosgw(options: StartRadosgwOptions = {}): Promise<Radosgw | undefined> {
  if (radosgwUnavailableReason() !== undefined) return undefined;
  const started = performance.now();
  const dir = await mkdtemp(join(options.dir ?? tmpdir(), "radosgw-"));
  const cluster = new Cluster(dir, started + (options.timeoutMs ?? 90_000));
  try {
    await Promise.all(["run", "log", "mon.a", "osd.0", "rgw"].map((sub) => mkdir(join(dir, sub))));
    const [monitorPort, gatewayPort] = await twoFreePorts();
    const fsid = randomUUID();
    const config = join(dir, "ceph.conf");
    await writeFile(config, cephConfig({ dir, fsid, monitorPort, gatewayPort }));
    const c = ["-c", config];
    const monitorMs = await timed(() => startMonitor(cluster, c, { fsid, monitorPort, monmap: join(dir, "monmap") }));
    const osdMs = await timed(() => startOsd(cluster, c));
    const endpoint = `http://127.0.0.1:${gatewayPort}`;
    const gatewayMs = await timed(async () => {
      cluster.spawnDaemon("radosgw", [...c, "-f", "-n", GATEWAY_NAME], options.gatewayEnv);
      await cluster.waitUntilAnswering(endpoint);
    });
    const adminCredentials: RadosgwCredentials = { accessKeyId: ADMIN_ACCESS_KEY_ID, secretAccessKey: randomBytes(20).toString("hex") };
    const adminUserMs = await timed(() => createAdminUser(cluster, c, adminCredentials));
    return {
      endpoint,
      adminCredentials,
      iam: createRadosgwIam(endpoint, adminCredentials),
      dir,
      timings: { monitorMs, osdMs, gatewayMs, adminUserMs, totalMs: performance.now() - started },
      close: () => cluster.close(),
    };
  } catch (error) {
    await cluster.close();
    throw error;
  }
}

/** How long `work` took, in milliseconds. */
async function timed(work: () => Promise<unknown>): Promise<number> {
  const mark = performance.now();
  await work();
  return performance.now() - mark;
}

/** Monitor map, monitor store and the monitor process. `c` is the `-c CONFIG` every command takes. */
async function startMonitor(
  cluster: Cluster,
  c: readonly string[],
  { fsid, monitorPort, monmap }: { fsid: string; monitorPort: number; monmap: string },
): Promise<void> {
  await cluster.run("monmaptool", [...c, "--create", "--fsid", fsid, "--addv", "a", `[v1:127.0.0.1:${monitorPort}]`, monmap]);
  await cluster.run("ceph-mon", [...c, "--mkfs", "-i", "a", "--monmap", monmap]);
  cluster.spawnDaemon("ceph-mon", [...c, "-f", "-i", "a"]);
}

/** One OSD registered, formatted, placed in the CRUSH map and started. */
async function startOsd(cluster: Cluster, c: readonly string[]): Promise<void> {
  const osdUuid = randomUUID();
  const osdId = (await cluster.run("ceph", [...c, "osd", "new", osdUuid])).trim();
  await Promise.all([
    cluster.run("ceph-osd", [...c, "-i", osdId, "--mkfs", "--osd-uuid", osdUuid]),
    cluster.run("ceph", [...c, "osd", "crush", "add", `osd.${osdId}`, "1.0", "root=default"]),
  ]);
  cluster.spawnDaemon("ceph-osd", [...c, "-f", "-i", osdId]);
}

/** The admin user holding the IAM caps, with these throwaway keys. */
async function createAdminUser(cluster: Cluster, c: readonly string[], credentials: RadosgwCredentials): Promise<void> {
  await cluster.run("radosgw-admin", [
    ...c,
    "user",
    "create",
    "--uid=wi-admin",
    "--display-name=workload-identity tests",
    `--access-key=${credentials.accessKeyId}`,
    `--secret=${credentials.secretAccessKey}`,
    "--caps=roles=*;oidc-provider=*",
  ]);
}

/** The processes and directory of one cluster, and how to take them down. */
class Cluster {
  readonly #dir: string;
  readonly #deadline: number;
  readonly #daemons: Daemon[] = [];
  readonly #onExit = (): void => this.#killNow();
  #closing: Promise<void> | undefined;

  constructor(dir: string, deadline: number) {
    this.#dir = dir;
    this.#deadline = deadline;
    process.once("exit", this.#onExit);
  }

  /**
   * Runs a one-shot command to completion; returns its stdout. Fails at once if a daemon dies meanwhile: the ceph
   * CLI would otherwise wait for a dead monitor until the deadline.
   */
  run(command: string, args: readonly string[]): Promise<string> {
    const timeout = Math.max(1, Math.ceil(this.#deadline - performance.now()));
    return new Promise((resolve, reject) => {
      const onDaemonExit = (): void => {
        const dead = this.#deadDaemon();
        if (dead === undefined) return;
        child.kill("SIGKILL");
        reject(this.#deathError(dead));
      };
      const child = execFile(command, args, { timeout, killSignal: "SIGKILL", maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        for (const daemon of this.#daemons) daemon.child.removeListener("exit", onDaemonExit);
        if (error) reject(new RadosgwStartError(describeCommand(command, args), tail(stderr) || error.message, error));
        else resolve(stdout);
      });
      for (const daemon of this.#daemons) daemon.child.once("exit", onDaemonExit);
      onDaemonExit();
    });
  }

  #deadDaemon(): Daemon | undefined {
    return this.#daemons.find((daemon) => daemon.child.exitCode !== null || daemon.child.signalCode !== null);
  }

  #deathError(dead: Daemon): RadosgwStartError {
    return new RadosgwStartError(`${dead.command} exited`, `${tail(dead.stderr) || "no stderr"}; ${this.#logTails()}`);
  }

  /** Starts a daemon in the foreground under a watchdog shell (see WATCHDOG). */
  spawnDaemon(command: string, args: readonly string[], env?: Readonly<Record<string, string | undefined>>): void {
    const child = spawn("sh", ["-c", WATCHDOG, "watchdog", command, ...args], {
      stdio: ["pipe", "pipe", "pipe"],
      ...(env === undefined ? {} : { env: { ...process.env, ...env } }),
    });
    const daemon: Daemon = { command, child, pid: undefined, stderr: "", exited: undefined };
    child.stdout?.setEncoding("utf8").once("data", (line: string) => {
      const pid = Number.parseInt(line, 10);
      if (Number.isInteger(pid)) daemon.pid = pid;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      daemon.stderr = (daemon.stderr + chunk).slice(-4000);
    });
    daemon.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code ?? 0)));
    this.#daemons.push(daemon);
  }

  /** Polls radosgw's S3 endpoint (an anonymous ListBuckets) until it answers; fails as soon as a daemon dies. */
  async waitUntilAnswering(endpoint: string): Promise<void> {
    let lastProblem = "no answer yet";
    for (;;) {
      const dead = this.#deadDaemon();
      if (dead) throw this.#deathError(dead);
      if (performance.now() > this.#deadline) {
        throw new RadosgwStartError("waiting for radosgw", `${lastProblem}; ${this.#logTails()}`);
      }
      try {
        const response = await fetch(endpoint, { signal: AbortSignal.timeout(2_000) });
        await response.arrayBuffer();
        if (response.ok) return;
        lastProblem = `HTTP ${response.status}`;
      } catch (error) {
        lastProblem = error instanceof Error ? error.message : String(error);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The last lines of each daemon's log, read now: the directory is removed when the start fails. */
  #logTails(): string {
    const tails = (["radosgw", "osd", "monitor"] as const)
      .filter((daemon) => existsSync(logPath(this.#dir, daemon)))
      .map((daemon) => `${daemon} log: ${readRadosgwLog({ dir: this.#dir }, daemon, 3).replaceAll("\n", " | ")}`);
    return tails.length === 0 ? "no daemon log yet" : tails.join("; ");
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    // Ending the pipe makes each watchdog SIGKILL its daemon: a throwaway in-memory cluster needs no clean shutdown.
    for (const daemon of this.#daemons) daemon.child.stdin?.end();
    await Promise.all(
      this.#daemons.map(async (daemon) => {
        const timer = setTimeout(() => killQuietly(daemon.pid, daemon.child.pid), 5_000);
        await daemon.exited;
        clearTimeout(timer);
      }),
    );
    process.removeListener("exit", this.#onExit);
    await rm(this.#dir, { recursive: true, force: true, maxRetries: 3 });
  }

  /** The synchronous last resort when the test process exits without having called close(). */
  #killNow(): void {
    for (const daemon of this.#daemons) killQuietly(daemon.pid, daemon.child.pid);
    try {
      rmSync(this.#dir, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      // Best effort while exiting.
    }
  }
}

interface Daemon {
  readonly command: string;
  readonly child: ChildProcess;
  pid: number | undefined;
  stderr: string;
  exited: Promise<unknown> | undefined;
}

/**
 * Runs "$@" in the background, prints its pid, and SIGKILLs it once our stdin reaches end of file — when close()
 * ends the pipe, or when the test process dies in any way. The reader keeps a copy of stdin on fd 3 because a
 * background job's stdin is /dev/null.
 */
const WATCHDOG = `
exec 3<&0 0</dev/null
"$@" 3<&- &
daemon=$!
echo "$daemon"
{ while read -r _ <&3; do :; done; kill -KILL "$daemon" 2>/dev/null; } &
watcher=$!
exec 3<&-
wait "$daemon"
status=$?
kill "$watcher" 2>/dev/null
exit "$status"
`;

function killQuietly(...pids: (number | undefined)[]): void {
  for (const pid of pids) {
    if (pid === undefined) continue;
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
}

function cephConfig(input: { dir: string; fsid: string; monitorPort: number; gatewayPort: number }): string {
  const { dir, fsid, monitorPort, gatewayPort } = input;
  // Single node, no replication, no cephx; every daemon binds 127.0.0.1 only; the OSD keeps its data in memory.
  return `[global]
fsid = ${fsid}
mon host = v1:127.0.0.1:${monitorPort}
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind msgr2 = false
ms bind ipv6 = false
auth cluster required = none
auth service required = none
auth client required = none
keyring = /dev/null
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon max pg per osd = 2000
mon data avail warn = 1
# A lone monitor need not batch map changes for a second; radosgw's start makes ~12 of them (pools, app tags).
paxos propose interval = 0.01
paxos min wait = 0.001
osd objectstore = memstore
memstore device bytes = 1073741824
osd class update on start = false
osd crush update on start = false
run dir = ${dir}/run
admin socket = ${dir}/run/$name.asok
pid file = ${dir}/run/$name.pid
log file = ${dir}/log/$name.log
mon data = ${dir}/mon.$id
osd data = ${dir}/osd.$id

[${GATEWAY_NAME}]
rgw frontends = beast endpoint=127.0.0.1:${gatewayPort}
rgw data = ${dir}/rgw
rgw enable apis = s3, admin, sts, iam
rgw s3 auth use sts = true
rgw sts key = ${randomBytes(8).toString("hex")}
`;
}

/** Two free TCP ports on 127.0.0.1 (held open together so they differ, then released for the daemons). */
async function twoFreePorts(): Promise<[number, number]> {
  const servers = await Promise.all(
    [0, 1].map(() => {
      const server = createServer();
      return new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve(server));
      });
    }),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new RadosgwStartError("free port", "no TCP address");
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  const [first, second] = ports;
  if (first === undefined || second === undefined) throw new RadosgwStartError("free port", "no two ports");
  return [first, second];
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The command line for a message, without the config path and with the admin secret masked. */
function describeCommand(command: string, args: readonly string[]): string {
  const shown = args.slice(2).map((arg) => (arg.startsWith("--secret=") ? "--secret=…" : arg));
  return [command, ...shown].join(" ");
}

function tail(text: string): string {
  return text.trim().split("\n").slice(-5).join(" | ");
}

/** The daemons of a {@link Radosgw}. */
export type RadosgwDaemon = "monitor" | "osd" | "radosgw";

function logPath(dir: string, daemon: RadosgwDaemon): string {
  return join(dir, "log", `${{ monitor: "mon.a", osd: "osd.0", radosgw: GATEWAY_NAME }[daemon]}.log`);
}

/** The last lines of a daemon's log file (while the cluster runs), e.g. to explain a failing test. */
export function readRadosgwLog(radosgw: Pick<Radosgw, "dir">, daemon: RadosgwDaemon, lines = 40): string {
  try {
    return readFileSync(logPath(radosgw.dir, daemon), "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch (error) {
    return `(no log: ${error instanceof Error ? error.message : String(error)})`;
  }
}
