import { parseRoleArn } from "@workload-identity/core";
import { DEFAULT_DURATION_SECONDS } from "@workload-identity/roles-anywhere";
import type { CliCommand } from "./args.js";
import { startBackgroundRefresh } from "./background-refresh.js";
import { checkCertificateExpiry } from "./certificate-expiry.js";
import { CONTAINER_CREDENTIALS_PATH, createContainerHandler } from "./container-routes.js";
import { type ContainerToken, prepareContainerToken } from "./container-token.js";
import { IMDS_MIN_REMAINING_MS, serveRefreshWindows } from "./imds-freshness.js";
import { createImdsHandler } from "./imds-routes.js";
import { describeError } from "./log.js";
import { logRefreshEvent } from "./refresh-log.js";
import { providerRequest } from "./provider-request.js";
import { type CliDeps, EXIT_FAILURE, EXIT_OK } from "./cli-deps.js";
import { createLogger } from "./cli-output.js";
import { createServedCredentials } from "./served-credentials.js";
import { type CredentialServer, startCredentialServer } from "./server.js";
import { createSessionTokens } from "./session-tokens.js";

/**
 * `roles-anywhere serve`: gets the first credentials (failing fast when CreateSession fails), then serves them on
 * 127.0.0.1 until SIGTERM or SIGINT, refreshing in the background. Resolves with the exit code.
 */
export async function runServe(command: Extract<CliCommand, { command: "serve" }>, deps: CliDeps): Promise<number> {
  const log = createLogger(deps, command.debug);
  const { signing } = command;
  const notServing = (what: string, error: unknown): number => {
    log.error(`not serving: ${what}`, describeError(error));
    return EXIT_FAILURE;
  };
  const checkExpiry = () =>
    checkCertificateExpiry({ inspect: () => deps.inspectCertificate(signing.certificate), now: deps.now, log });

  let served: ReturnType<typeof createServedCredentials>;
  try {
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
      // The refresh events and the expiry check above say what the library's own lines say: those go to --debug.
      { keep: [] },
    );
    served = createServedCredentials({
      provider: await deps.createProvider(request),
      now: deps.now,
      onNewCredentials: (credentials) => {
        log.addSecret(credentials.secretAccessKey);
        log.addSecret(credentials.sessionToken);
      },
    });
  } catch (error) {
    return notServing("invalid configuration", error);
  }

  // A token file no client could send is a configuration error: said before any CreateSession.
  let containerToken: ContainerToken | undefined;
  if (command.containerTokenFile !== undefined) {
    try {
      containerToken = await prepareContainerToken(command.containerTokenFile, {
        onRefused: (error) =>
          log.error("the container token file is refused: container credentials are not served", describeError(error)),
        onAccepted: () => log.info("the container token file is usable again", { file: command.containerTokenFile }),
      });
    } catch (error) {
      return notServing("the container token file is unusable", error);
    }
  }

  await checkExpiry();
  let firstExpiration: Date;
  try {
    firstExpiration = (await served()).credentials.expiration;
  } catch (error) {
    return notServing("the first CreateSession failed", error);
  }

  // IMDS lists the role by its name without path: the ARN's last segment.
  // The first CreateSession succeeded, so the ARN is a role ARN; the fallback only satisfies the type.
  const { resource, accountId } = parseRoleArn(signing.roleArn) ?? { resource: signing.roleArn, accountId: "" };
  const roleName = resource.slice(resource.lastIndexOf("/") + 1);
  let server: CredentialServer;
  try {
    server = await startCredentialServer({
      port: command.port,
      log,
      routes: [
        createImdsHandler({
          roleName,
          tokens: createSessionTokens({ now: deps.now }),
          credentials: served,
          minRemainingMs: IMDS_MIN_REMAINING_MS,
          now: deps.now,
          redact: log.redact,
        }),
        ...(containerToken === undefined
          ? []
          : [
              createContainerHandler({
                authorizationToken: () => containerToken.read(),
                credentials: served,
                accountId,
                redact: log.redact,
              }),
            ]),
      ],
    });
  } catch (error) {
    return notServing("cannot listen", error);
  }
  // Only now does a token file the sidecar makes appear, so whoever waits for it finds the server listening.
  try {
    await containerToken?.publish();
  } catch (error) {
    await server.close();
    return notServing("the container token file is unusable", error);
  }
  log.info("serving credentials", {
    port: server.port,
    roleName,
    expiration: firstExpiration.toISOString(),
    AWS_EC2_METADATA_SERVICE_ENDPOINT: `${server.origin}/`,
    AWS_CONTAINER_CREDENTIALS_FULL_URI:
      containerToken === undefined ? undefined : `${server.origin}${CONTAINER_CREDENTIALS_PATH}`,
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: command.containerTokenFile,
  });

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
