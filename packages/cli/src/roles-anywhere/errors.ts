import { WorkloadIdentityError } from "@workload-identity/core";

/** A flag is missing, unknown or malformed. The message names the flag and what it expects. */
export class CliUsageError extends WorkloadIdentityError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super("CLI_USAGE", `${message} Run \`roles-anywhere --help\` for the flags.`, options);
  }
}

/** The container-credentials authorization token file could not be read or written, or holds no usable token. */
export class ContainerTokenFileError extends WorkloadIdentityError {
  /**
   * @param problem - what is wrong with the file, completing "The container authorization token file PATH …"
   * @param options.remedy - what to do; by default, where to point `--container-token-file`
   */
  constructor(path: string, problem: string, options: { cause?: unknown; remedy?: string } = {}) {
    super(
      "CONTAINER_TOKEN_FILE",
      `The container authorization token file ${path} ${problem}. ${
        options.remedy ??
        "Give --container-token-file a path in a directory the sidecar can write (an emptyDir shared with the " +
          "application), or a file holding a token."
      }`,
      { cause: options.cause },
    );
  }
}

/** `serve` could not listen on its port. */
export class ListenError extends WorkloadIdentityError {
  constructor(port: number, cause: unknown) {
    const reason = (cause as { code?: unknown } | undefined)?.code;
    super(
      "SERVE_LISTEN_FAILED",
      `Cannot listen on 127.0.0.1:${port}${typeof reason === "string" ? ` (${reason})` : ""}. ` +
        "Pick a free port with --port.",
      { cause },
    );
  }
}

/** The credential source returned credentials the endpoints cannot serve. */
export class UnservableCredentialsError extends WorkloadIdentityError {
  constructor(problem: string) {
    super("UNSERVABLE_CREDENTIALS", `The credential source returned credentials that cannot be served: ${problem}.`);
  }
}

/**
 * The IMDS route will not hand out credentials this close to their expiry: IMDS clients (botocore) may keep using a
 * set for minutes after fetching it, past its expiry. Only a refresh that keeps failing lets credentials get this old.
 */
export class CredentialsExpiringError extends WorkloadIdentityError {
  constructor(expiration: Date, minRemainingMs: number) {
    super(
      "CREDENTIALS_EXPIRING",
      `The credentials expire at ${expiration.toISOString()}, in less than ${Math.round(minRemainingMs / 60_000)} ` +
        "minutes, and refreshing them keeps failing (the log holds each failure's cause); IMDS clients could use them " +
        "past their expiry, so they are not handed out.",
    );
  }
}
