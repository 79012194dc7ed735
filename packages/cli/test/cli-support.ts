import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { type RefreshOptions, withRefresh } from "@workload-identity/refresh";
import { RolesAnywhereServiceError } from "@workload-identity/roles-anywhere";
import { childProcessEnv, type RolesAnywhereWorld } from "@workload-identity/testing";

/** Planted secrets: the tests assert none of them ever appears in any output. */
export const PLANTED = {
  secretAccessKey: "PLANTEDsecretKEYdoNOTprint0123456789abcd",
  sessionToken: "PLANTEDsessionTOKENdoNOTprint//+==",
  passphrase: "planted-passphrase-do-not-print",
} as const;

/** A controllable clock, in milliseconds. */
export function createClock(start = Date.parse("2030-01-01T00:00:00Z")) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

/**
 * A fake CreateSession: numbered credentials that live `lifetimeMs`, with a switch to make it fail. Wrapped in
 * `withRefresh` on the test's clock, like `fromRolesAnywhere`.
 */
export function createFakeSource(clock: { now: () => number }, lifetimeMs = 3_600_000) {
  let calls = 0;
  let failure: Error | undefined;
  const source = async (): Promise<AwsCredentialIdentity> => {
    calls += 1;
    if (failure !== undefined) throw failure;
    return {
      accessKeyId: `ASIAFAKE${String(calls).padStart(8, "0")}`,
      secretAccessKey: `${PLANTED.secretAccessKey}${calls}`,
      sessionToken: `${PLANTED.sessionToken}${calls}`,
      expiration: new Date(clock.now() + lifetimeMs),
      accountId: "123456789012",
    };
  };
  return {
    get calls() {
      return calls;
    },
    fail(error: Error | undefined) {
      failure = error;
    },
    provider(refresh: RefreshOptions = {}): AwsCredentialIdentityProvider {
      return withRefresh(source, { jitter: false, ...refresh, now: clock.now, random: () => 0 });
    },
  };
}

/**
 * What `fromRolesAnywhere` throws when CreateSession answers an error: the library's own class, from the HTTP status,
 * AWS's error type (`x-amzn-ErrorType`), its message and request id, as the library's client builds it.
 */
export function createSessionError(
  statusCode: number,
  errorType: string,
  serviceMessage: string,
  requestId: string | undefined = "req-test-1",
): RolesAnywhereServiceError {
  return new RolesAnywhereServiceError({ statusCode, errorType, serviceMessage, requestId });
}

/** The flags that point the CLI at a Roles Anywhere world: its files, its ARNs, and its emulator (last). */
export function worldFlags(
  world: RolesAnywhereWorld,
  overrides: { certificate?: string; privateKey?: string; roleArn?: string } = {},
): string[] {
  return [
    "--certificate", overrides.certificate ?? world.init.certificate,
    "--private-key", overrides.privateKey ?? world.init.privateKey,
    "--intermediates", world.init.certificateChain,
    "--trust-anchor-arn", world.trustAnchorArn,
    "--profile-arn", world.profileArn,
    "--role-arn", overrides.roleArn ?? world.roleArn,
    "--endpoint", world.emulator.endpoint,
  ];
}

/** A Python interpreter that can import botocore, and botocore's version. */
export interface BotocorePython {
  readonly executable: string;
  readonly version: string;
}

/**
 * Finds a Python with botocore: `$BOTOCORE_PYTHON`, then `python3` on the PATH (pyenv's shim included), then Debian's
 * `/usr/bin/python3` (`python3-botocore`). `undefined` when there is none; tests then report themselves skipped.
 */
export function findBotocorePython(): BotocorePython | undefined {
  const candidates = [process.env.BOTOCORE_PYTHON, "python3", "/usr/bin/python3"].filter(
    (candidate): candidate is string => candidate !== undefined && candidate !== "",
  );
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ["-c", "import sys, botocore; print(sys.executable); print(botocore.__version__)"], {
      encoding: "utf8",
      timeout: 20_000,
    });
    if (probe.status !== 0) continue;
    const [executable, version] = probe.stdout.trim().split("\n");
    if (executable !== undefined && version !== undefined) return { executable, version };
  }
  return undefined;
}

/**
 * Debian's own botocore (`python3-botocore`, 1.29 on bookworm), which predates `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`:
 * `/usr/bin/python3` when its botocore is older than 1.33. `undefined` when it is not installed.
 */
export function findOldBotocorePython(): BotocorePython | undefined {
  const probe = spawnSync("/usr/bin/python3", ["-c", "import sys, botocore; print(sys.executable); print(botocore.__version__)"], {
    encoding: "utf8",
    timeout: 20_000,
  });
  if (probe.status !== 0) return undefined;
  const [executable, version] = probe.stdout.trim().split("\n");
  const minor = Number(/^1\.(\d+)\./.exec(version ?? "")?.[1] ?? Number.NaN);
  return executable !== undefined && version !== undefined && minor < 33 ? { executable, version } : undefined;
}

/** What botocore resolved: the provider method and the frozen credentials. */
export interface BotocoreCredentials {
  readonly method: string | null;
  readonly accessKey: string | null;
  readonly secretKey: string | null;
  readonly token: string | null;
}

const BOTOCORE_SCRIPT = `
import json, botocore.session
credentials = botocore.session.Session().get_credentials()
if credentials is None:
    print(json.dumps({"method": None, "accessKey": None, "secretKey": None, "token": None}))
else:
    frozen = credentials.get_frozen_credentials()
    print(json.dumps({"method": credentials.method, "accessKey": frozen.access_key,
                      "secretKey": frozen.secret_key, "token": frozen.token}))
`;

/**
 * Runs botocore's default credential chain in a clean environment (an empty HOME, no AWS variable but `env`).
 * Asynchronous, so an in-process server can answer it.
 */
export async function botocoreCredentials(
  python: BotocorePython,
  home: string,
  env: Readonly<Record<string, string>>,
): Promise<BotocoreCredentials> {
  const environment = childProcessEnv({
    HOME: home,
    AWS_CONFIG_FILE: `${home}/no-config`,
    AWS_SHARED_CREDENTIALS_FILE: `${home}/no-credentials`,
    // botocore gives a metadata endpoint 1 s and one attempt by default; the machine is shared.
    AWS_METADATA_SERVICE_TIMEOUT: "10",
    AWS_METADATA_SERVICE_NUM_ATTEMPTS: "3",
    ...env,
  });
  const { code, stdout, stderr } = await runProcess(python.executable, ["-c", BOTOCORE_SCRIPT], environment);
  if (code !== 0) throw new Error(`botocore exited with ${String(code)}: ${stderr}`);
  return JSON.parse(stdout) as BotocoreCredentials;
}

/** The package directory: child processes run there, so `--import tsx` resolves. */
export const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
/** The CLI's TypeScript entry, run through tsx so the tests need no build. */
export const CLI_MAIN = join(PACKAGE_DIR, "src", "roles-anywhere", "main.ts");
/** The argv that starts the CLI: `node --import tsx src/roles-anywhere/main.ts`. */
export const CLI_COMMAND: readonly string[] = [process.execPath, "--import", "tsx", CLI_MAIN];

/** A clean environment for a child: no AWS variable from the developer's shell leaks in. */
export function childEnv(home: string, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return childProcessEnv({ HOME: home, XDG_CACHE_HOME: join(home, "cache"), ...extra });
}

/** Runs the CLI to completion. */
export async function runCliProcess(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [command, ...rest] = CLI_COMMAND as [string, ...string[]];
  return runProcess(command, [...rest, ...args], env);
}

/**
 * Runs a process to its end in the package directory (where `--import tsx` resolves, and which credential_process
 * commands inherit), keeping what it wrote.
 */
export async function runProcess(
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(command, args, { cwd: PACKAGE_DIR, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  return { code, stdout, stderr };
}

/** A `serve` child process. */
export interface ServeProcess {
  readonly origin: string;
  readonly port: number;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `roles-anywhere serve` and resolves once it logs "serving credentials", or rejects with its stderr when it
 * exits first (a failed first CreateSession, say).
 */
export function startServeProcess(args: readonly string[], env: Readonly<Record<string, string>>): Promise<ServeProcess> {
  const [command, ...rest] = CLI_COMMAND as [string, ...string[]];
  const child = spawn(command, [...rest, "serve", ...args], { cwd: PACKAGE_DIR, env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  return new Promise((resolve, reject) => {
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /"msg":"serving credentials","port":(\d+)/.exec(stderr);
      if (match === null) return;
      const port = Number(match[1]);
      resolve({
        origin: `http://127.0.0.1:${port}`,
        port,
        stderr: () => stderr,
        stop: (signal = "SIGTERM") => {
          child.kill(signal);
          return exited;
        },
      });
    });
    void exited.then((code) => reject(Object.assign(new Error(`serve exited with ${String(code)}: ${stderr}`), { code, stderr })));
  });
}
