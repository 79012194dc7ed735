import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { skipUnlessRequired } from "../required-tools.js";

// A real HTTP proxy (Debian's tinyproxy) on 127.0.0.1, in the foreground, with its own config and log: what a
// corporate proxy looks like to a client (CONNECT tunnels, Basic authentication, Allow and ConnectPort rules).

/** Options of {@link startTinyproxy}. */
export interface TinyproxyOptions {
  /** The client addresses tinyproxy serves (`Allow`); any other gets 403. @defaultValue "127.0.0.1" */
  readonly allow?: string;
  /** The only ports CONNECT may reach (`ConnectPort`); any other gets 403. @defaultValue every port */
  readonly connectPorts?: readonly number[];
  /** `BasicAuth USER PASSWORD`: without them, 407. @defaultValue no authentication */
  readonly basicAuth?: { readonly user: string; readonly password: string };
}

/** A running tinyproxy. */
export interface Tinyproxy {
  /** "http://127.0.0.1:PORT" (no credentials). */
  readonly url: string;
  readonly port: number;
  /** The requests tinyproxy logged so far, e.g. "CONNECT 127.0.0.1:41234 HTTP/1.1". */
  requests(): Promise<string[]>;
  /** Stops tinyproxy and removes its directory. */
  close(): Promise<void>;
}

/** Why tinyproxy cannot run here, or `undefined` when it can. */
export function tinyproxyUnavailableReason(): string | undefined {
  try {
    execFileSync("tinyproxy", ["-v"], { stdio: "ignore" });
    return undefined;
  } catch {
    return skipUnlessRequired("tinyproxy is not installed (Debian package tinyproxy)");
  }
}

/** Starts tinyproxy on a free port of 127.0.0.1 and resolves once it accepts connections. */
export async function startTinyproxy(options: TinyproxyOptions = {}): Promise<Tinyproxy> {
  const dir = await mkdtemp(join(tmpdir(), "tinyproxy-"));
  // tinyproxy may drop to another user: it must be able to write its log here.
  await chmod(dir, 0o777);
  const port = await freePort();
  const log = join(dir, "tinyproxy.log");
  await writeFile(join(dir, "tinyproxy.conf"), config(port, log, options));
  const child = spawn("tinyproxy", ["-d", "-c", join(dir, "tinyproxy.conf")], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const close = async () => {
    await stop(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(port, child, () => stderr);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async requests() {
      const text = await readFile(log, "utf8").catch(() => "");
      return [...text.matchAll(/Request \(file descriptor \d+\): (.+)$/gm)].map((match) => (match[1] ?? "").trim());
    },
    close,
  };
}

function config(port: number, log: string, options: TinyproxyOptions): string {
  return [
    `Port ${port}`,
    "Listen 127.0.0.1",
    "Timeout 30",
    "MaxClients 50",
    `Allow ${options.allow ?? "127.0.0.1"}`,
    `LogFile "${log}"`,
    "LogLevel Connect",
    ...(options.connectPorts ?? []).map((allowed) => `ConnectPort ${allowed}`),
    ...(options.basicAuth === undefined ? [] : [`BasicAuth ${options.basicAuth.user} ${options.basicAuth.password}`]),
    "",
  ].join("\n");
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`tinyproxy exited with ${child.exitCode}: ${stderr()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`tinyproxy did not listen on 127.0.0.1:${port} within 10 s: ${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** SIGTERM, then SIGKILL after 2 s: tinyproxy may linger on its shutdown (seen once: a test's 30 s ran out). */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const killer = setTimeout(() => child.kill("SIGKILL"), 2_000);
  await exited;
  clearTimeout(killer);
}
