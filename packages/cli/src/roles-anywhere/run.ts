import { type CliCommand, parseCli } from "./args.js";
import { formatCredentialProcessOutput, readCredentialProcessCache } from "./credential-process.js";
import { type CliDeps, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./cli-deps.js";
import { createLogger, oneLineError } from "./cli-output.js";
import { USAGE } from "./usage.js";

// Only what `--help`, `--version` and a `credential-process` answered from its cache need is imported here; the
// library, the SDK packages behind its errors, and `serve` are imported by the commands that use them.

export { type CliDeps, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type ProviderRequest } from "./cli-deps.js";

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
    case "update":
      return (await import("./update.js")).runUpdate(command, deps);
    case "read-certificate-data":
      return (await import("./read-certificate-data.js")).runReadCertificateData(command, deps);
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
    if (command.debug) await (await import("./debug-log.js")).logSigningContext(command.signing, log);
    const { obtainCredentials } = await import("./fresh-credentials.js");
    const credentials = await obtainCredentials({ signing: command.signing, deps, log, cache: cache?.key });
    deps.stdout(formatCredentialProcessOutput(credentials));
    return EXIT_OK;
  } catch (error) {
    deps.stderr(`${oneLineError(error)}\n`);
    return EXIT_FAILURE;
  }
}
