import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { BotocorePython } from "./cli-support.js";
import { PACKAGE_DIR } from "./cli-support.js";

/** The built `roles-anywhere` bin, as installed users run it (`pnpm build` makes it; the CI setup builds first). */
export const BUILT_CLI = join(PACKAGE_DIR, "dist", "roles-anywhere.cjs");

/** Throws a clear message when the CLI has not been built: a test of the built bin must not pass without it. */
export function requireBuiltCli(): string {
  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: run \`pnpm build\` first.`);
  return BUILT_CLI;
}

/** A running built CLI: its output so far, and how it ends. */
export interface CliChild {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** The exit code (null after a signal). */
  readonly exited: Promise<number | null>;
}

/** Starts the built CLI with `args` in `env`. */
export function startBuiltCli(args: readonly string[], env: Readonly<Record<string, string>>): CliChild {
  const child = spawn(process.execPath, [requireBuiltCli(), ...args], { cwd: PACKAGE_DIR, env, stdio: "pipe" });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Runs the built CLI to its end. */
export async function runBuiltCli(args: readonly string[], env: Readonly<Record<string, string>>) {
  const run = startBuiltCli(args, env);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** What botocore reads from a profile of a shared credentials file. */
export interface BotocoreProfile {
  readonly method: string | null;
  readonly accessKey: string | null;
  readonly secretKey: string | null;
  readonly token: string | null;
}

const PROFILE_SCRIPT = `
import json, sys, botocore.session
credentials = botocore.session.Session(profile=sys.argv[1]).get_credentials()
frozen = credentials.get_frozen_credentials() if credentials else None
print(json.dumps({"method": credentials.method if credentials else None,
                  "accessKey": frozen.access_key if frozen else None,
                  "secretKey": frozen.secret_key if frozen else None,
                  "token": frozen.token if frozen else None}))
`;

/** botocore's credentials for `profile`, from `credentialsFile` only (no config file, no other variable). */
export async function botocoreProfile(
  python: BotocorePython,
  credentialsFile: string,
  profile: string,
  env: Readonly<Record<string, string>>,
): Promise<BotocoreProfile> {
  const child = spawn(python.executable, ["-c", PROFILE_SCRIPT, profile], {
    env: { ...env, AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_CONFIG_FILE: `${credentialsFile}.no-config` },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`botocore exited with ${String(code)}: ${stderr}`);
  return JSON.parse(stdout) as BotocoreProfile;
}
