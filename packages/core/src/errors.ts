import { CredentialsProviderError } from "@smithy/property-provider";
import { redact } from "./redact.js";
import { SAFE_ERROR, safeCause } from "./safe-cause.js";

/** Options shared by every error of this project. */
export interface WorkloadIdentityErrorOptions {
  /** Whether a credential chain should try its next source. Defaults to `false`: configured but broken. */
  tryNextLink?: boolean;
  /** The error that led to this one; kept as a redacted copy (see `safeCause`) unless it is one of ours. */
  cause?: unknown;
}

/**
 * Base class of every error thrown by the workload-identity packages.
 *
 * It extends the SDK's `CredentialsProviderError`, so SDK chains decide on `tryNextLink` as usual, and adds a
 * stable `code` that callers can switch on. The message goes through the redaction rule and the cause is kept as a
 * redacted copy, so no secret reaches a message, a stack, a cause chain or a log line, whatever a subclass quotes.
 */
export class WorkloadIdentityError extends CredentialsProviderError {
  /** A stable, documented identifier of the failure, e.g. `CREDENTIALS_EXPIRED`. */
  readonly code: string;

  constructor(code: string, message: string, options: WorkloadIdentityErrorOptions = {}) {
    super(redact(message), { tryNextLink: options.tryNextLink ?? false });
    // The smithy base pins the prototype to its own class; restore ours so `instanceof` and `name` work.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = new.target.name;
    this.code = code;
    Object.defineProperty(this, SAFE_ERROR, { value: true });
    const cause = safeCause(options.cause);
    if (cause !== undefined) this.cause = cause;
  }
}
