// A software TPM 2.0 behind PKCS#11, per test: swtpm on loopback, tpm2-abrmd (the access broker, which swaps the
// TPM's three transient object slots) on a private D-Bus session bus, and tpm2-pkcs11's store with a token and keys
// made by tpm2_ptool inside the TPM. The library then reaches it through libtpm2_pkcs11.so like any PKCS#11 token.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { TestKeyType } from "../pki.js";
import { ecPublicKey } from "./pkcs11-tool.js";
import { skipUnlessRequired } from "../required-tools.js";

const run = promisify(execFile);

/** Debian's tpm2-pkcs11 module. */
export const TPM2_PKCS11_MODULE = "/usr/lib/x86_64-linux-gnu/pkcs11/libtpm2_pkcs11.so";
const TABRMD_TCTI = "/usr/lib/x86_64-linux-gnu/libtss2-tcti-tabrmd.so.0";
const TOOLS = ["/usr/bin/swtpm", "/usr/sbin/tpm2-abrmd", "/usr/bin/tpm2_ptool", "/usr/bin/dbus-daemon", "/usr/bin/pkcs11-tool"];

/** Why TPM tests cannot run here, or `undefined` when they can. */
export function softwareTpmUnavailableReason(): string | undefined {
  const missing = [...TOOLS, TPM2_PKCS11_MODULE, TABRMD_TCTI].filter((path) => {
    try {
      accessSync(path, constants.R_OK);
      return false;
    } catch {
      return true;
    }
  });
  return skipUnlessRequired(
    missing.length === 0 ? undefined : `swtpm / tpm2-abrmd / tpm2-pkcs11 not installed (${missing.join(", ")} missing)`,
  );
}

/** A key made inside the TPM. */
export interface TpmKey {
  /** CKA_ID as tpm2_ptool stores it: the bytes of the id text ("01" → 0x30 0x31). */
  readonly id: Buffer;
  readonly label: string;
  readonly publicKeySpki: Buffer;
}

/** A running software TPM with one tpm2-pkcs11 token. */
export interface SoftwareTpm {
  readonly modulePath: string;
  readonly label: string;
  readonly pin: string;
  /** The variables libtpm2_pkcs11 needs (TCTI, store, D-Bus address): set them in the process or child. */
  readonly env: Readonly<Record<string, string>>;
  /** Creates a key in the TPM (`tpm2_ptool addkey`). */
  addKey(keyType: TestKeyType, id: string, label: string): Promise<TpmKey>;
  /** Stops the broker, the bus and the TPM, and removes the directory. */
  close(): Promise<void>;
}

const ALGORITHMS: Record<TestKeyType, string> = { rsa2048: "rsa2048", p256: "ecc256", p384: "ecc384" };

/** Starts swtpm, a D-Bus session bus and tpm2-abrmd, and makes a token labelled `label`. */
export async function startSoftwareTpm(options: { label?: string; pin?: string } = {}): Promise<SoftwareTpm> {
  const dir = await mkdtemp(join(tmpdir(), "swtpm-"));
  const label = options.label ?? "tpm";
  const pin = options.pin ?? `user-${Math.random().toString(36).slice(2, 14)}`;
  const children: ChildProcess[] = [];
  const close = async () => {
    for (const child of children.reverse()) await stop(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const env = await startDaemons(dir, children);
    const store = join(dir, "store");
    await mkdir(store);
    const ptool = (...args: string[]) => run("tpm2_ptool", [...args, `--path=${store}`], { env: { ...process.env, ...env } });
    await ptool("init");
    await ptool("addtoken", "--pid=1", `--sopin=so-${pin}`, `--userpin=${pin}`, `--label=${label}`);
    // The module and ESYS log to stderr (e.g. on a wrong PIN); the tests read typed errors instead.
    const tokenEnv = { ...env, TPM2_PKCS11_STORE: store, TPM2_PKCS11_LOG_LEVEL: "0", TSS2_LOG: "all+NONE" };
    return {
      modulePath: TPM2_PKCS11_MODULE,
      label,
      pin,
      env: tokenEnv,
      async addKey(keyType, id, keyLabel) {
        await ptool("addkey", `--algorithm=${ALGORITHMS[keyType]}`, `--label=${label}`, `--userpin=${pin}`, `--key-label=${keyLabel}`, `--id=${id}`);
        const idHex = Buffer.from(id).toString("hex");
        const tool = (...args: string[]) =>
          run("pkcs11-tool", ["--module", TPM2_PKCS11_MODULE, "--token-label", label, ...args], { env: { ...process.env, ...tokenEnv } });
        if (keyType !== "rsa2048") {
          const listing = await tool("--list-objects", "--type", "pubkey", "--id", idHex);
          return { id: Buffer.from(id), label: keyLabel, publicKeySpki: ecPublicKey(keyType, listing.stdout) };
        }
        const out = join(dir, `${idHex}.pub.der`);
        await tool("--read-object", "--type", "pubkey", "--id", idHex, "--output-file", out);
        return { id: Buffer.from(id), label: keyLabel, publicKeySpki: await readFile(out) };
      },
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/** swtpm on two free loopback ports, a session bus, and the broker on it; returns the TCTI variables. */
async function startDaemons(dir: string, children: ChildProcess[]): Promise<Record<string, string>> {
  // The swtpm TCTI reaches the control channel at the server's port + 1.
  const port = await freePortPair();
  const controlPort = port + 1;
  await mkdir(join(dir, "state"));
  children.push(
    spawn("swtpm", [
      "socket", "--tpm2",
      "--server", `type=tcp,port=${port},bindaddr=127.0.0.1`,
      "--ctrl", `type=tcp,port=${controlPort},bindaddr=127.0.0.1`,
      "--tpmstate", `dir=${join(dir, "state")}`,
      "--flags", "not-need-init,startup-clear",
    ], { stdio: "ignore" }),
  );
  const bus = `unix:path=${join(dir, "bus")}`;
  children.push(spawn("dbus-daemon", ["--session", "--nofork", `--address=${bus}`], { stdio: "ignore" }));
  const env = { DBUS_SESSION_BUS_ADDRESS: bus, TPM2TOOLS_TCTI: "tabrmd:bus_type=session", TPM2_PKCS11_TCTI: "tabrmd:bus_type=session" };
  await waitFor(() => run("tpm2_getcap", ["properties-fixed"], { env: { ...process.env, TPM2TOOLS_TCTI: `swtpm:host=127.0.0.1,port=${port}` } }));
  children.push(
    spawn("tpm2-abrmd", ["--session", "--allow-root", `--tcti=swtpm:host=127.0.0.1,port=${port}`], {
      stdio: "ignore",
      env: { ...process.env, ...env },
    }),
  );
  await waitFor(() => run("tpm2_getcap", ["properties-fixed"], { env: { ...process.env, ...env } }));
  return env;
}

async function waitFor(attempt: () => Promise<unknown>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await attempt();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** A free loopback port whose successor is free too. */
async function freePortPair(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await listenOnce(0);
    if (port < 65_535 && (await listenOnce(port + 1).then(() => true, () => false))) return port;
  }
  throw new Error("no two consecutive free loopback ports");
}

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
