import { describeError, WorkloadIdentityError } from "@workload-identity/core";

export { WorkloadIdentityError, type WorkloadIdentityErrorOptions } from "@workload-identity/core";

/** The cached credentials have expired and the source failed to provide new ones. */
export class CredentialsExpiredError extends WorkloadIdentityError {
  constructor(expiration: Date, cause: unknown) {
    super(
      "CREDENTIALS_EXPIRED",
      `The cached credentials expired at ${expiration.toISOString()} and refreshing them failed: ${withoutFinalStop(describeError(cause))}. ` +
        "Fix the credential source (see the cause); callers get new credentials as soon as it answers.",
      { cause },
    );
  }
}

/** The source resolved credentials whose expiration is already past. */
export class SourceReturnedExpiredCredentialsError extends WorkloadIdentityError {
  constructor(expiration: Date, now: Date) {
    super(
      "SOURCE_RETURNED_EXPIRED_CREDENTIALS",
      `The credential source returned credentials that expired at ${expiration.toISOString()} ` +
        `(now is ${now.toISOString()}). Check the source's clock and the session duration it requests.`,
    );
  }
}

/**
 * The credential source did not settle within `refreshTimeoutMs`, so the refresh was abandoned: callers stop waiting
 * for it, and whatever it answers later is ignored.
 */
export class RefreshTimeoutError extends WorkloadIdentityError {
  /** The deadline that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super(
      "REFRESH_TIMEOUT",
      `The credential source did not answer within refreshTimeoutMs (${timeoutMs} ms), so the refresh was abandoned. ` +
        "Check that the source reaches its endpoint (network, DNS, proxy, firewall) and that its own timeouts are " +
        "shorter than refreshTimeoutMs.",
    );
    this.timeoutMs = timeoutMs;
  }
}

/** The source resolved something that is not a usable credential identity. */
export class SourceReturnedInvalidCredentialsError extends WorkloadIdentityError {
  constructor(problem: string) {
    super(
      "SOURCE_RETURNED_INVALID_CREDENTIALS",
      `The credential source returned invalid credentials: ${problem}.`,
    );
  }
}

function withoutFinalStop(text: string): string {
  return text.endsWith(".") ? text.slice(0, -1) : text;
}
