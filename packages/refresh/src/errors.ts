import { CredentialsProviderError } from "@smithy/property-provider";

/** Options shared by every error of this project. */
export interface WorkloadIdentityErrorOptions {
  /** Whether a credential chain should try its next source. Defaults to `false`: configured but broken. */
  tryNextLink?: boolean;
  /** The error that led to this one. */
  cause?: unknown;
}

/**
 * Base class of every error thrown by the workload-identity packages.
 *
 * It extends the SDK's `CredentialsProviderError`, so SDK chains decide on `tryNextLink` as usual, and adds a
 * stable `code` that callers can switch on. Messages never contain a secret.
 */
export class WorkloadIdentityError extends CredentialsProviderError {
  /** A stable, documented identifier of the failure, e.g. `CREDENTIALS_EXPIRED`. */
  readonly code: string;

  constructor(code: string, message: string, options: WorkloadIdentityErrorOptions = {}) {
    super(message, { tryNextLink: options.tryNextLink ?? false });
    // The smithy base pins the prototype to its own class; restore ours so `instanceof` and `name` work.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = new.target.name;
    this.code = code;
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** The cached credentials have expired and the source failed to provide new ones. */
export class CredentialsExpiredError extends WorkloadIdentityError {
  constructor(expiration: Date, cause: unknown) {
    super(
      "CREDENTIALS_EXPIRED",
      `The cached credentials expired at ${expiration.toISOString()} and refreshing them failed: ${withoutFinalStop(describe(cause))}. ` +
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

/** A short description of an error for messages: its name, code and message, never its other fields. */
export function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const prefix = typeof code === "string" && code !== error.name ? `${error.name} (${code})` : error.name;
    return `${prefix}: ${error.message}`;
  }
  return String(error);
}
