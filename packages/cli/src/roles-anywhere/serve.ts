import { parseRoleArn } from "@workload-identity/core";
import { DEFAULT_DURATION_SECONDS } from "@workload-identity/roles-anywhere";
import { type CliCommand, isPkcs11Uri, type SigningConfig } from "./args.js";
import { startBackgroundRefresh } from "./background-refresh.js";
import { checkCertificateExpiry } from "./certificate-expiry.js";
import { CONTAINER_CREDENTIALS_PATH, createContainerHandler } from "./container-routes.js";
import { type ContainerToken, prepareContainerToken } from "./container-token.js";
import { IMDS_MIN_REMAINING_MS, serveRefreshWindows } from "./imds-freshness.js";
import { createImdsHandler } from "./imds-routes.js";
import { describeError, type JsonLogger } from "./log.js";
import { logRefreshEvent } from "./refresh-log.js";
import { providerRequest } from "./provider-request.js";
import { type CliDeps, EXIT_FAILURE, EXIT_OK } from "./cli-deps.js";
import { createLogger } from "./cli-output.js";
import { createServedCredentials } from "./served-credentials.js";
import { startCredentialServer } from "./server.js";
import { createSessionTokens } from "./session-tokens.js";

type ServeCommand = Extract<CliCommand, { command: "serve" }>;
type ServedCredentials = ReturnType<typeof createServedCredentials>;

/** A step of the start failed: `serve` logs what and why, and exits 1. */
class NotServing {
  constructor(
    readonly what: string,
    readonly cause: unknown,
  ) {}
}

/** Runs `step`, turning any failure into a NotServing that says `what` failed. */
async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw error instanceof NotServing ? error : new NotServing(what, error);
  }
}

/** The provider, refreshed early enough for IMDS clients, its events logged, and the newest set kept for the routes. */
async function serveCredentials(
  command: ServeCommand,
  deps: CliDeps,
  log: JsonLogger,
  checkExpiry: () => Promise<void>,
): Promise<ServedCredentials> {
  const { signing } = command;
  const request = await providerRequest(
    signing,
    log,
    {
      // Early enough that what the IMDS route hands out is never extended by botocore: see serveRefreshWindows.
      ...serveRefreshWindows(signing.sessionDurationSeconds ?? DEFAULT_DURATION_SECONDS),
      onEvent: (event) => {
        logRefreshEvent(log, event);
        // The files are re-read at each refresh: a renewed certificate shows here, and so does one left to expire.
        if (event.type === "refreshed" && event.reason !== "initial") void checkExpiry();
      },
    },
    // The refresh events and the expiry check above say what the library's own lines say: those go to --debug. A
    // certificate in a PKCS#11 token has no file to check, so the library's expiry warning is kept.
    { keep: certificateFile(signing) === undefined ? ["warn"] : [] },
    deps.env,
  );
  return createServedCredentials({
    provider: await deps.createProvider(request),
    now: deps.now,
    onNewCredentials: (credentials) => {
      log.addSecret(credentials.secretAccessKey);
      log.addSecret(credentials.sessionToken);
    },
  });
}

/** The container route's token file, when asked for: one no client could send is refused before any CreateSession. */
async function containerTokenOf(command: ServeCommand, log: JsonLogger): Promise<ContainerToken | undefined> {
  if (command.containerTokenFile === undefined) return undefined;
  return prepareContainerToken(command.containerTokenFile, {
    onRefused: (error) =>
      log.error("the container token file is refused: container credentials are not served", describeError(error)),
    onAccepted: () => log.info("the container token file is usable again", { file: command.containerTokenFile }),
  });
}

/** Listens on 127.0.0.1 with the IMDS routes, and the container route when a token file is given. */
function listen(
  command: ServeCommand,
  deps: CliDeps,
  log: JsonLogger,
  served: ServedCredentials,
  containerToken: ContainerToken | undefined,
) {
  // IMDS lists the role by its name without path: the ARN's last segment. The first CreateSession succeeded, so the
  // ARN is a role ARN; the fallback only satisfies the type.
  const { roleArn } = command.signing;
  const { resource, accountId } = parseRoleArn(roleArn) ?? { resource: roleArn, accountId: "" };
  const roleName = resource.slice(resource.lastIndexOf("/") + 1);
  const imds = createImdsHandler({
    roleName,
    tokens: createSessionTokens({ now: deps.now }),
    credentials: served,
    minRemainingMs: IMDS_MIN_REMAINING_MS,
    now: deps.now,
    redact: log.redact,
  });
  const container =
    containerToken === undefined
      ? []
      : [
          createContainerHandler({
            authorizationToken: () => containerToken.read(),
            credentials: served,
            accountId,
            redact: log.redact,
          }),
        ];
  const routes = [imds, ...container];
  return startCredentialServer({ port: command.port, log, routes }).then((server) => ({ server, roleName }));
}

/**
 * `roles-anywhere serve`: gets the first credentials (failing fast when CreateSession fails), then serves them on
 * 127.0.0.1 until SIGTERM or SIGINT, refreshing in the background. Resolves with the exit code.
 */
export async function runServe(command: ServeCommand, deps: CliDeps): Promise<number> {
  const log = createLogger(deps, command.debug);
  const file = certificateFile(command.signing);
  const checkExpiry = async () =>
    file === undefined ? undefined : checkCertificateExpiry({ inspect: () => deps.inspectCertificate(file), now: deps.now, log });
  let started: Awaited<ReturnType<typeof start>>;
  try {
    started = await start(command, deps, log, checkExpiry);
  } catch (error) {
    const failure = error instanceof NotServing ? error : new NotServing("internal error", error);
    log.error(`not serving: ${failure.what}`, describeError(failure.cause));
    return EXIT_FAILURE;
  }
  const { served, server, containerToken } = started;
  const background = startBackgroundRefresh({
    tick: served,
    ...(deps.refreshIntervalMs === undefined ? {} : { intervalMs: deps.refreshIntervalMs }),
  });
  const signal = await deps.waitForShutdown();
  log.info("shutting down", { signal });
  background.stop();
  await server.close();
  await containerToken?.dispose();
  return EXIT_OK;
}

/** Every step up to serving, in order; a failure is a NotServing naming the step. */
async function start(command: ServeCommand, deps: CliDeps, log: JsonLogger, checkExpiry: () => Promise<void>) {
  const served = await step("invalid configuration", () => serveCredentials(command, deps, log, checkExpiry));
  if (command.debug) await (await import("./debug-log.js")).logSigningContext(command.signing, log);
  const containerToken = await step("the container token file is unusable", () => containerTokenOf(command, log));
  await checkExpiry();
  const first = await step("the first CreateSession failed", () => served());
  const { server, roleName } = await step("cannot listen", () => listen(command, deps, log, served, containerToken));
  // Only now does a token file the sidecar makes appear, so whoever waits for it finds the server listening.
  await step("the container token file is unusable", async () => {
    try {
      await containerToken?.publish();
    } catch (error) {
      await server.close();
      throw error;
    }
  });
  log.info("serving credentials", {
    port: server.port,
    roleName,
    expiration: first.credentials.expiration.toISOString(),
    AWS_EC2_METADATA_SERVICE_ENDPOINT: `${server.origin}/`,
    AWS_CONTAINER_CREDENTIALS_FULL_URI:
      containerToken === undefined ? undefined : `${server.origin}${CONTAINER_CREDENTIALS_PATH}`,
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: command.containerTokenFile,
  });
  return { served, server, containerToken };
}

/** The certificate's file; `undefined` when the certificate is in a PKCS#11 token. */
function certificateFile(signing: SigningConfig): string | undefined {
  return signing.certificate === undefined || isPkcs11Uri(signing.certificate) ? undefined : signing.certificate;
}
