import type { AwsCredentialIdentityProvider, Logger } from "@aws-sdk/types";
import type { RefreshOptions } from "@workload-identity/refresh";
import { type CliCommand, parseCli, type SigningConfig } from "./args.js";
import type { CertificateDates } from "./certificate-expiry.js";
import { formatCredentialProcessOutput, readCredentialProcessCache } from "./credential-process.js";
import { createJsonLogger, describeError, type JsonLogger } from "./log.js";
import { USAGE } from "./usage.js";

// Only what `--help`, `--version` and a `credential-process` answered from its cache need is imported here; the
// library, the SDK packages behind its errors, and `serve` are imported by the commands that use them.

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
  /** Builds an already-refreshing provider (`fromRolesAnywhere`); may load it first. */
  readonly createProvider: (
    request: ProviderRequest,
  ) => AwsCredentialIdentityProvider | Promise<AwsCredentialIdentityProvider>;
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
  const command: CliCommand = parseCli(argv, deps.cwd);
  switch (command.command) {
    case "usage-error": {
      const { CliUsageError } = await import("./errors.js");
      deps.stderr(`${oneLineError(new CliUsageError(command.message))}\n`);
      return EXIT_USAGE;
    }
    case "help":
      deps.stdout(USAGE);
      return EXIT_OK;
    case "version":
      deps.stdout(`${deps.version}\n`);
      return EXIT_OK;
    case "credential-process":
      return runCredentialProcess(command, deps);
    case "serve":
      return (await import("./serve.js")).runServe(command, deps);
  }
}

async function runCredentialProcess(
  command: Extract<CliCommand, { command: "credential-process" }>,
  deps: CliDeps,
): Promise<number> {
  const log = createLogger(deps, command.debug);
  try {
    const cache = command.cache
      ? readCredentialProcessCache(command.signing, { env: deps.env, homedir: deps.homedir, now: deps.now() })
      : undefined;
    if (cache?.credentials !== undefined) {
      log.debug("credentials served from the cache file", {
        cacheFile: cache.key.file,
        expiration: cache.credentials.expiration?.toISOString(),
      });
      deps.stdout(formatCredentialProcessOutput(cache.credentials));
      return EXIT_OK;
    }
    const { obtainCredentials } = await import("./fresh-credentials.js");
    const credentials = await obtainCredentials({ signing: command.signing, deps, log, cache: cache?.key });
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
