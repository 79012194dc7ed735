import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import type { CliCommand } from "./args.js";
import { type CliDeps, EXIT_FAILURE, EXIT_OK } from "./cli-deps.js";
import { createLogger } from "./cli-output.js";
import { credentialsFilePath, writeProfileCredentials } from "./credentials-file.js";
import { describeError, type JsonLogger } from "./log.js";
import { providerRequest } from "./provider-request.js";
import { logRefreshEvent } from "./refresh-log.js";

type UpdateCommand = Extract<CliCommand, { command: "update" }>;

/** How long before expiry `update` replaces the credentials: AWS's helper's `UpdateRefreshTime`. */
export const UPDATE_REFRESH_BEFORE_MS = 5 * 60_000;
/** How long `update` waits before trying again after a failed refresh (the file keeps the last good set meanwhile). */
export const UPDATE_RETRY_INTERVAL_MS = 30_000;

/**
 * `roles-anywhere update`: writes credentials into a profile of the shared credentials file, then (without `--once`)
 * replaces them 5 minutes before they expire, until SIGTERM or SIGINT. Resolves with the exit code: 1 when the
 * configuration is bad, the first CreateSession fails, or the file cannot be written.
 */
export async function runUpdate(command: UpdateCommand, deps: CliDeps): Promise<number> {
  const log = createLogger(deps, command.debug);
  const file = credentialsFilePath(deps.env, deps.homedir);
  let provider: AwsCredentialIdentityProvider;
  try {
    // The refresh points are this command's (5 minutes before expiry, forced); the cache adds its single flight,
    // deadline and events.
    const refresh = { jitter: false, onEvent: logRefreshEventOf(log) };
    provider = await deps.createProvider(await providerRequest(command.signing, log, refresh, { keep: [] }));
  } catch (error) {
    log.error("not updating: invalid configuration", describeError(error));
    return EXIT_FAILURE;
  }
  if (command.debug) await (await import("./debug-log.js")).logSigningContext(command.signing, log);
  const stopped = deps.waitForShutdown();
  return updateLoop({ command, deps, log, file, provider, stopped });
}

function logRefreshEventOf(log: JsonLogger) {
  return (event: Parameters<typeof logRefreshEvent>[1]) => logRefreshEvent(log, event);
}

interface LoopContext {
  readonly command: UpdateCommand;
  readonly deps: CliDeps;
  readonly log: JsonLogger;
  readonly file: string;
  readonly provider: AwsCredentialIdentityProvider;
  /** Resolves with the signal's name. */
  readonly stopped: Promise<string>;
}

/**
 * Asks the provider (after the first time, with `forceRefresh`: the refresh point is this loop's), writes what is
 * new, sleeps until 5 minutes before expiry, or 30 s after a failure; stops at a signal, between writes.
 */
async function updateLoop(context: LoopContext): Promise<number> {
  const { command, deps, log, provider } = context;
  let written: AwsCredentialIdentity | undefined;
  for (;;) {
    const asked = provider(written === undefined ? undefined : { forceRefresh: true });
    const next = await untilStopped(context, asked.then((credentials) => ({ credentials }), (error: unknown) => ({ error })));
    if (next === undefined) return EXIT_OK;
    if ("error" in next) {
      // Later failures are logged by the cache's events; the file keeps the last good set.
      if (written === undefined) {
        log.error("not updating: the first CreateSession failed", describeError(next.error));
        return EXIT_FAILURE;
      }
    } else if (next.credentials.accessKeyId !== written?.accessKeyId) {
      if (!(await write(context, next.credentials))) return EXIT_FAILURE;
      written = next.credentials;
    }
    if (command.once) return EXIT_OK;
    const expiresAt = written?.expiration?.getTime();
    const dueInMs = expiresAt === undefined ? 0 : expiresAt - UPDATE_REFRESH_BEFORE_MS - deps.now();
    const waitMs = dueInMs > 0 ? dueInMs : UPDATE_RETRY_INTERVAL_MS;
    log.debug("next refresh", { at: new Date(deps.now() + waitMs).toISOString() });
    if ((await untilStopped(context, sleep(waitMs, context.stopped))) === undefined) return EXIT_OK;
  }
}

/** Writes one set into the profile; false (and a logged error) when the file cannot be written. */
async function write(context: LoopContext, credentials: AwsCredentialIdentity): Promise<boolean> {
  const { command, log, file } = context;
  log.addSecret(credentials.secretAccessKey);
  log.addSecret(credentials.sessionToken);
  try {
    await writeProfileCredentials(file, command.profile, {
      aws_access_key_id: credentials.accessKeyId,
      aws_secret_access_key: credentials.secretAccessKey,
      aws_session_token: credentials.sessionToken ?? "",
    });
  } catch (error) {
    log.error("cannot write the credentials file", { file, profile: command.profile, ...describeError(error) });
    return false;
  }
  log.info("credentials file updated", {
    file,
    profile: command.profile,
    accessKeyId: credentials.accessKeyId,
    expiration: credentials.expiration?.toISOString(),
  });
  return true;
}

/** `work`'s result, or `undefined` (after logging it) when a signal came first. */
async function untilStopped<T>(context: LoopContext, work: Promise<T>): Promise<T | undefined> {
  const outcome = await Promise.race([work.then((value) => ({ value })), context.stopped.then((signal) => ({ signal }))]);
  if ("value" in outcome) return outcome.value;
  context.log.info("shutting down", { signal: outcome.signal });
  return undefined;
}

/** Waits `ms`, then resolves `true`; the timer is cleared when `stopped` resolves first, so it never holds the process. */
function sleep(ms: number, stopped: Promise<string>): Promise<true> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(true), ms);
    void stopped.then(() => clearTimeout(timer));
  });
}
