import type {
  AbsoluteLocation,
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  HandlerExecutionContext,
  Logger,
  Pluggable,
  InitializeHandler,
  InitializeHandlerArguments,
  InitializeHandlerOptions,
  InitializeHandlerOutput,
  InitializeMiddleware,
} from "@aws-sdk/types";
import { InvalidOptionError } from "@workload-identity/core";
import { REFUSED_CREDENTIALS_CODES, type RefusalReason, refusalOf } from "./refusal.js";
import { recover } from "./recovery-state.js";

/** What {@link credentialRecovery} reports through `onEvent`. None carries a credential. */
export type CredentialRecoveryEvent =
  /** A request was refused for its credentials (one event per request). */
  | {
      readonly type: "credentials-refused";
      readonly code: string;
      readonly reason: RefusalReason;
      readonly httpStatusCode: number | undefined;
    }
  /** This refusal is the one that forced the provider to refresh (one event per refused credential set). */
  | { readonly type: "refresh-forced"; readonly code: string }
  /** The refused request was sent again with the new credentials; `succeeded` false: its error is returned as it is. */
  | { readonly type: "retried"; readonly code: string; readonly succeeded: boolean }
  /** The refused request was not sent again, and why; its error is returned as it is. */
  | {
      readonly type: "not-retried";
      readonly code: string;
      readonly why: "same-credentials" | "refresh-failed" | "too-soon";
    };

/** Options of {@link credentialRecovery}. */
export interface CredentialRecoveryOptions {
  /**
   * The error codes that mean "these credentials are refused". Replaces the default list; other 400/401/403 answers
   * still count when the service's own clock (`Date`) is past the credentials' expiration.
   * @defaultValue `ExpiredToken`, `ExpiredTokenException`, `InvalidClientTokenId`, `UnrecognizedClientException`,
   * `InvalidAccessKeyId`, `InvalidToken`, `TokenRefreshRequired`
   */
  refusedCodes?: readonly string[];
  /**
   * After a forced refresh, refusals of the next credential set within this many milliseconds are returned as they
   * are instead of forcing another: a service that refuses every new set cannot turn each request into a source call.
   * @defaultValue 10000
   */
  minRefreshIntervalMs?: number;
  /** Receives each refusal, forced refresh and retry. Exceptions thrown by it are ignored. */
  onEvent?: (event: CredentialRecoveryEvent) => void;
  /** Gets one `warn` line per forced refresh and per recovery that could not retry. @defaultValue none */
  logger?: Logger;
  /** The clock of `minRefreshIntervalMs`, in milliseconds. For tests. @defaultValue Date.now */
  now?: () => number;
}

/** The name of the middleware in the client's stack. */
export const CREDENTIAL_RECOVERY_MIDDLEWARE = "workloadIdentityCredentialRecoveryMiddleware";

/**
 * The last of the initialize step: around everything that resolves the identity (serialize step), retries (the SDK's
 * retry middleware, finalizeRequest step, clock-skew correction included) and signs. The SDK's own retries run first;
 * our one retry goes through all of them again, identity resolution included.
 */
const PLACEMENT: InitializeHandlerOptions & AbsoluteLocation & { name: string; override: boolean } = {
  step: "initialize",
  priority: "low",
  name: CREDENTIAL_RECOVERY_MIDDLEWARE,
  tags: ["CREDENTIAL_RECOVERY"],
  override: true,
};

const LOG_PREFIX = "@workload-identity/credentials: credential recovery:";

/** The parts of the SDK's selected auth scheme the middleware reads: the identity, and the client's config. */
interface SelectedScheme {
  identity: unknown;
  readonly httpAuthOption?: { readonly signingProperties?: { readonly config?: { readonly credentials?: unknown } } };
}

function isCredentials(identity: unknown): identity is AwsCredentialIdentity {
  return typeof (identity as { accessKeyId?: unknown } | undefined)?.accessKeyId === "string";
}

function validateRecoveryOptions(options: CredentialRecoveryOptions): void {
  if (options === null || typeof options !== "object") throw new InvalidOptionError("credentialRecovery: options must be an object.");
  const { refusedCodes, minRefreshIntervalMs } = options;
  if (refusedCodes !== undefined && (!Array.isArray(refusedCodes) || refusedCodes.some((code) => typeof code !== "string" || code === ""))) {
    throw new InvalidOptionError("credentialRecovery: refusedCodes must be an array of non-empty error codes.");
  }
  if (minRefreshIntervalMs !== undefined && !(Number.isFinite(minRefreshIntervalMs) && minRefreshIntervalMs >= 0)) {
    throw new InvalidOptionError(`credentialRecovery: minRefreshIntervalMs must be a finite number of milliseconds, 0 or more; got ${String(minRefreshIntervalMs)}.`);
  }
  for (const name of ["onEvent", "now"] as const) {
    if (options[name] !== undefined && typeof options[name] !== "function") throw new InvalidOptionError(`credentialRecovery: ${name} must be a function.`);
  }
  if (options.logger !== undefined && typeof options.logger?.warn !== "function") {
    throw new InvalidOptionError("credentialRecovery: logger.warn must be a function (the SDK's Logger shape).");
  }
}

/** What the middleware of one plugin works with. */
interface Recovery {
  readonly codes: ReadonlySet<string>;
  readonly minRefreshIntervalMs: number;
  readonly now: () => number;
  readonly logger: Logger | undefined;
  emit(event: CredentialRecoveryEvent): void;
}

const NOT_RETRIED_BECAUSE = {
  unchanged: "same-credentials",
  "refresh-failed": "refresh-failed",
  "too-soon": "too-soon",
} as const;

/** Recovers from one refused request: the shared recovery of its credential set, then one more try, or its error. */
async function recoverRequest<Output extends object>(
  recovery: Recovery,
  error: unknown,
  identity: AwsCredentialIdentity,
  provider: AwsCredentialIdentityProvider,
  retry: () => Promise<InitializeHandlerOutput<Output>>,
): Promise<InitializeHandlerOutput<Output>> {
  const refusal = refusalOf(error, identity, recovery.codes);
  if (refusal === undefined) throw error;
  const { code } = refusal;
  recovery.emit({ type: "credentials-refused", code, reason: refusal.reason, httpStatusCode: refusal.httpStatusCode });
  const outcome = await recover(identity, {
    provider,
    minRefreshIntervalMs: recovery.minRefreshIntervalMs,
    now: recovery.now,
    onForced: () => {
      recovery.emit({ type: "refresh-forced", code });
      recovery.logger?.warn(`${LOG_PREFIX} a service refused the credentials (${code}, ${refusal.reason}): refreshing them once.`);
    },
  });
  if (outcome.kind !== "replaced") {
    recovery.emit({ type: "not-retried", code, why: NOT_RETRIED_BECAUSE[outcome.kind] });
    if (outcome.kind === "refresh-failed") recovery.logger?.warn(`${LOG_PREFIX} refreshing refused credentials failed; the request's error is returned.`);
    throw error;
  }
  try {
    const output = await retry();
    recovery.emit({ type: "retried", code, succeeded: true });
    return output;
  } catch (retryError) {
    recovery.emit({ type: "retried", code, succeeded: false });
    throw retryError;
  }
}

/**
 * After a failure, the auth scheme the SDK selected for the request says which credentials it carried (its identity)
 * and which provider gave them: the client's `credentials`, found in the scheme's signing properties. That provider is
 * the one to refresh — the SDK's SigV4 signer asks it again at signing time rather than using the identity.
 */
function recoveryMiddleware<Input extends object, Output extends object>(recovery: Recovery): InitializeMiddleware<Input, Output> {
  return (next: InitializeHandler<Input, Output>, context: HandlerExecutionContext) =>
    async (args: InitializeHandlerArguments<Input>): Promise<InitializeHandlerOutput<Output>> => {
      try {
        return await next(args);
      } catch (error) {
        const selected = context.__smithy_context?.selectedHttpAuthScheme as SelectedScheme | undefined;
        const provider = selected?.httpAuthOption?.signingProperties?.config?.credentials;
        const identity = selected?.identity;
        if (typeof provider !== "function" || !isCredentials(identity)) throw error;
        return recoverRequest(recovery, error, identity, provider as AwsCredentialIdentityProvider, () => next(args));
      }
    };
}

/**
 * An SDK v3 plugin that recovers from credentials a service refuses while the cache still holds them (the service's
 * clock ahead of this machine's, sessions revoked, credentials cut short): on a refusal it forces one refresh of the
 * client's credentials provider — one per refused credential set, however many requests and clients saw it refused —
 * and sends the request once more. A refusal that persists is returned as it is; permission errors (`AccessDenied`)
 * and clock-skew errors (which the SDK corrects itself) are never retried, unless the service's own clock shows the
 * credentials had expired.
 *
 * ```ts
 * const s3 = new S3Client({ credentials: fromEnvironmentAware() });
 * s3.middlewareStack.use(credentialRecovery());
 * ```
 *
 * @param options - codes, throttling of forced refreshes, observability; validated here, synchronously
 * @returns a plugin for `client.middlewareStack.use(...)`
 */
export function credentialRecovery<Input extends object, Output extends object>(
  options: CredentialRecoveryOptions = {},
): Pluggable<Input, Output> {
  validateRecoveryOptions(options);
  const { onEvent } = options;
  const recovery: Recovery = {
    codes: new Set(options.refusedCodes ?? REFUSED_CREDENTIALS_CODES),
    minRefreshIntervalMs: options.minRefreshIntervalMs ?? 10_000,
    now: options.now ?? Date.now,
    logger: options.logger,
    emit(event) {
      try {
        onEvent?.(event);
      } catch {
        // An observer that throws is ignored.
      }
    },
  };
  const middleware = recoveryMiddleware<Input, Output>(recovery);
  return { applyToStack: (stack) => stack.add(middleware, PLACEMENT) };
}
