import { readFile } from "node:fs/promises";
import type { AwsCredentialIdentityProvider, Logger } from "@aws-sdk/types";
import type { RefreshOptions } from "@workload-identity/refresh";
import { type CliCommand, parseCli, type SigningConfig } from "./args.js";
import { cacheFilePath, defaultCacheDir } from "./cache.js";
import type { CertificateDates } from "./certificate-expiry.js";
import { formatCredentialProcessOutput, resolveForCredentialProcess } from "./credential-process.js";
import { CliUsageError } from "./errors.js";
import { createJsonLogger, describeError, type JsonLogger, type SdkLevel, toSdkLogger } from "./log.js";
import { runServe } from "./serve.js";
import { USAGE } from "./usage.js";

/** What the CLI asks of the library: a provider for a configuration. */
export interface ProviderRequest {
  readonly signing: SigningConfig;
  /** Read from `--private-key-passphrase-file`. */
  readonly passphrase: string | undefined;
  /** Refresh options for `withRefresh`: the CLI's event logger. */
  readonly refresh: RefreshOptions;
  readonly logger: Logger;
}

/** Everything the CLI touches outside itself, injectable for tests. */
export interface CliDeps {
  /** Builds an already-refreshing provider (`fromRolesAnywhere`). */
  readonly createProvider: (request: ProviderRequest) => AwsCredentialIdentityProvider;
  /** Reads the certificate file and returns its dates (`inspectCertificate`). */
  readonly inspectCertificate: (certificate: string) => Promise<CertificateDates>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly homedir: string;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** Resolves with the signal's name when `serve` must stop (SIGTERM, SIGINT). */
  readonly waitForShutdown: () => Promise<string>;
  /** How often `serve` asks the provider, so it refreshes before its credentials are needed. @defaultValue 30000 */
  readonly refreshIntervalMs?: number;
  readonly version: string;
}

/** Exit codes. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Runs `roles-anywhere` with the arguments after the program name; resolves with the exit code. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCli(argv, deps.cwd);
  } catch (error) {
    deps.stderr(`${oneLineError(error)}\n`);
    return EXIT_USAGE;
  }
  switch (command.command) {
    case "help":
      deps.stdout(USAGE);
      return EXIT_OK;
    case "version":
      deps.stdout(`${deps.version}\n`);
      return EXIT_OK;
    case "credential-process":
      return runCredentialProcess(command, deps);
    case "serve":
      return runServe(command, deps);
  }
}

async function runCredentialProcess(
  command: Extract<CliCommand, { command: "credential-process" }>,
  deps: CliDeps,
): Promise<number> {
  const log = createLogger(deps, command.debug);
  try {
    // The failure is printed once, below; the library's own lines only with --debug, except its expiry warning.
    const provider = deps.createProvider(await providerRequest(command.signing, log, {}, { keep: ["warn"] }));
    const credentials = await resolveForCredentialProcess({
      provider,
      cacheFile: command.cache ? cacheFilePath(defaultCacheDir(deps.env, deps.homedir), command.signing) : undefined,
      now: deps.now,
      log,
    });
    deps.stdout(formatCredentialProcessOutput(credentials));
    return EXIT_OK;
  } catch (error) {
    deps.stderr(`${oneLineError(error, log)}\n`);
    return EXIT_FAILURE;
  }
}

/** The CLI's JSON-lines logger on stderr. */
export function createLogger(deps: Pick<CliDeps, "stderr" | "now">, debug: boolean): JsonLogger {
  return createJsonLogger({ write: deps.stderr, now: () => new Date(deps.now()), debug });
}

/** Reads the passphrase file and assembles what the library needs. The passphrase is registered as a secret. */
export async function providerRequest(
  signing: SigningConfig,
  log: JsonLogger,
  refresh: RefreshOptions = {},
  logLevels: { keep?: readonly SdkLevel[] } = {},
): Promise<ProviderRequest> {
  let passphrase: string | undefined;
  if (signing.passphraseFile !== undefined) {
    try {
      passphrase = (await readFile(signing.passphraseFile, "utf8")).replace(/\r?\n$/, "");
    } catch (error) {
      throw new CliUsageError(`Cannot read --private-key-passphrase-file ${signing.passphraseFile}.`, { cause: error });
    }
    log.addSecret(passphrase);
  }
  return { signing, passphrase, refresh, logger: toSdkLogger(log, logLevels) };
}

/**
 * `roles-anywhere: CODE: message [request id]` on one line. When a logger is given, its redaction applies, so a
 * registered secret can never leak through an error message either.
 */
export function oneLineError(error: unknown, log?: JsonLogger): string {
  const { error: described, code, requestId } = describeError(error);
  // With a stable code the class name adds nothing: "CODE: message"; otherwise "Name: message".
  const message = code !== undefined && error instanceof Error ? `${code}: ${error.message}` : described;
  const text = `roles-anywhere: ${message.replace(/\s*[\r\n]+\s*/g, " ")}${
    requestId === undefined || message.includes(requestId) ? "" : ` (request id ${requestId})`
  }`;
  return log === undefined ? text : log.redact(text);
}
