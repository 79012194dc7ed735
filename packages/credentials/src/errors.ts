import { describeError, redact, WorkloadIdentityError } from "@workload-identity/core";

/** Which credential source a half configuration belongs to. */
export type HalfConfiguredSource = "web-identity" | "pod-identity" | "roles-anywhere";

const HALF_CONFIGURED_CODES = {
  "web-identity": "HALF_CONFIGURED_WEB_IDENTITY",
  "pod-identity": "HALF_CONFIGURED_POD_IDENTITY",
  "roles-anywhere": "HALF_CONFIGURED_ROLES_ANYWHERE",
} as const;

/**
 * Some variables of a credential source are set and others it needs are missing or empty. Never falls through to
 * another source: a pod silently running with the node's role is a security bug. `tryNextLink` is `false`.
 */
export class HalfConfiguredError extends WorkloadIdentityError {
  /** The source the variables belong to. */
  readonly source: HalfConfiguredSource;
  /** The variables that are set. */
  readonly present: readonly string[];
  /** The variables that are missing or empty. */
  readonly missing: readonly string[];

  constructor(source: HalfConfiguredSource, present: readonly string[], missing: readonly string[], hint = "") {
    super(
      HALF_CONFIGURED_CODES[source],
      `${source} is half configured: ${present.join(", ")} ${present.length === 1 ? "is" : "are"} set but ` +
        `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} missing or empty. Set ${missing.join(", ")}, ` +
        `or unset ${present.join(", ")} to use another credential source.${hint === "" ? "" : ` ${hint}`}`,
    );
    this.source = source;
    this.present = present;
    this.missing = missing;
  }
}

/** An environment variable has a value the selected source cannot use, e.g. a session duration that is not a number. */
export class InvalidEnvironmentValueError extends WorkloadIdentityError {
  /** The variable at fault. */
  readonly variable: string;

  constructor(variable: string, problem: string) {
    super("INVALID_ENVIRONMENT_VALUE", `${variable} ${problem}.`);
    this.variable = variable;
  }
}

/** EKS Pod Identity was selected and the agent (or its token file) failed; the SDK's error is kept as `cause`. */
export class PodIdentityError extends WorkloadIdentityError {
  constructor(endpoint: string, cause: unknown) {
    super(
      "POD_IDENTITY_FAILED",
      `EKS Pod Identity is configured (AWS_CONTAINER_CREDENTIALS_FULL_URI=${endpoint}) but getting credentials from it ` +
        `failed: ${describeError(cause)}. Check that the agent answers there (on EKS: the eks-pod-identity-agent ` +
        "add-on runs on the node and a pod identity association exists for this service account; for a sidecar: " +
        "it runs), and that the AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE file is mounted.",
      { cause },
    );
  }
}

/** The Roles Anywhere passphrase file could not be read. */
export class PassphraseFileError extends WorkloadIdentityError {
  constructor(path: string, cause: unknown) {
    super(
      "PASSPHRASE_FILE_UNREADABLE",
      `Could not read the private key passphrase file ${path} (AWS_ROLES_ANYWHERE_PRIVATE_KEY_PASSPHRASE_FILE): ` +
        `${(cause as { code?: unknown } | undefined)?.code ?? "error"}. Mount the file or unset the variable.`,
      { cause },
    );
  }
}

/** Nothing is configured and the SDK chain fallback is disabled (`fallback: false`). `tryNextLink` is `true`. */
export class NoCredentialSourceError extends WorkloadIdentityError {
  constructor() {
    super(
      "NO_CREDENTIAL_SOURCE",
      "No credential source is configured (no web identity, Pod Identity or Roles Anywhere variables) and the SDK " +
        "chain fallback is disabled (fallback: false). Configure one of them, or enable the fallback.",
      { tryNextLink: true },
    );
  }
}

/**
 * Nothing is configured for workload identity and the SDK's default chain found no credentials either; its error is
 * kept as `cause`. `tryNextLink` is `true`: nothing is configured here, so an outer chain may go on.
 */
export class SdkChainError extends WorkloadIdentityError {
  constructor(cause: unknown) {
    super(
      "SDK_CHAIN_NO_CREDENTIALS",
      "No workload identity is configured, and the AWS SDK's default chain (env keys, SSO, profiles, " +
        `credential_process, container credentials, instance metadata) found no credentials: ${describeError(cause)}. ` +
        "Configure a source (see `workload-identity explain`, from @workload-identity/cli), or sign in locally (aws sso login).",
      { cause, tryNextLink: true },
    );
  }
}

/**
 * The AWS SDK's default chain failed with an error of its own (a profile that is configured but broken, an SSO
 * session that expired, a `credential_process` that fails). Its name and message are kept, redacted, and so is its
 * `tryNextLink`; the SDK's error itself is kept only as a redacted copy.
 */
export class SdkChainFailedError extends WorkloadIdentityError {
  constructor(cause: unknown) {
    super(
      "SDK_CHAIN_FAILED",
      `No workload identity is configured, and the AWS SDK's default chain failed: ${describeError(cause)}. Fix the ` +
        "profile or login it names (see `workload-identity explain`, from @workload-identity/cli).",
      { cause, tryNextLink: (cause as { tryNextLink?: unknown } | undefined)?.tryNextLink === true },
    );
  }
}

/**
 * How the CLI and `explain` state an error: our errors (and the other workload-identity packages') by their message,
 * whose `code` is shown beside it; anything else as core's `describeError` does.
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error && typeof (error as { code?: unknown }).code === "string" && !isSystemError(error)
    ? redact(error.message)
    : describeError(error);
}

// Node's system errors carry a string `code` too (ECONNREFUSED), but their message alone lacks the context.
const isSystemError = (error: Error) => typeof (error as { syscall?: unknown }).syscall === "string";


/** Codes of {@link AssumeRoleError}. */
export type AssumeRoleErrorCode =
  | "ASSUME_ROLE_ACCESS_DENIED"
  | "ASSUME_ROLE_BASE_CREDENTIALS_REFUSED"
  | "ASSUME_ROLE_REGION_MISSING"
  | "ASSUME_ROLE_TIMEOUT"
  | "ASSUME_ROLE_FAILED";

/** What STS answered to a refused AssumeRole, kept on {@link AssumeRoleError}. */
export interface AssumeRoleFailure {
  /** STS's error code as sent (e.g. `AccessDenied`), or the client error's name. */
  readonly stsCode: string | undefined;
  /** STS's request id, to quote to AWS support or find in CloudTrail. */
  readonly requestId: string | undefined;
  /** The HTTP status of STS's answer; undefined when it was not reached. */
  readonly httpStatusCode: number | undefined;
}

const ASSUME_ROLE_ADVICE: Record<AssumeRoleErrorCode, string> = {
  ASSUME_ROLE_ACCESS_DENIED:
    "Check this role's trust policy: it must allow sts:AssumeRole for the role of the base credentials (and require " +
    "the externalId you pass, if it names one); and the base role's permissions must allow sts:AssumeRole on this role.",
  ASSUME_ROLE_BASE_CREDENTIALS_REFUSED:
    "STS refused the base credentials themselves, even after refreshing them once: check the base source " +
    "(`workload-identity explain`, from @workload-identity/cli) and this machine's clock.",
  ASSUME_ROLE_REGION_MISSING:
    "Set AWS_REGION (or AWS_DEFAULT_REGION), pass assumeRole.clientConfig.region, or give the client that uses these " +
    "credentials a region. Role chaining never falls back to us-east-1 silently.",
  ASSUME_ROLE_TIMEOUT:
    "STS did not answer within assumeRole.stsTimeouts: check the network path to the endpoint (proxy, firewall, VPC " +
    "endpoint, DNS); the cache tries again at its next refresh.",
  ASSUME_ROLE_FAILED: "Check roleArn, roleSessionName, durationSeconds (at most 3600 when chaining) and policy, and the STS endpoint.",
};

/**
 * Role chaining (the `assumeRole` option) failed: STS refused to let the base credentials assume the role, or could
 * not be reached. The message and {@link AssumeRoleError.roleArn} name the role asked for, not the base role.
 */
export class AssumeRoleError extends WorkloadIdentityError {
  /** Which failure, stable: see the README's table. */
  declare readonly code: AssumeRoleErrorCode;
  /** The role that could not be assumed (`assumeRole.roleArn`). */
  readonly roleArn: string;
  /** STS's error code as sent (e.g. `AccessDenied`), or the client error's name. */
  readonly stsCode: string | undefined;
  /** STS's request id, to quote to AWS support or find in CloudTrail. */
  readonly requestId: string | undefined;
  /** The HTTP status of STS's answer; undefined when it was not reached. */
  readonly httpStatusCode: number | undefined;

  constructor(code: AssumeRoleErrorCode, roleArn: string, failure: AssumeRoleFailure, detail: string, cause?: unknown) {
    const answered = [
      failure.stsCode,
      failure.httpStatusCode === undefined ? undefined : `HTTP ${failure.httpStatusCode}`,
      failure.requestId === undefined ? undefined : `request id ${failure.requestId}`,
    ].filter((part): part is string => part !== undefined);
    super(
      code,
      `Role chaining: AssumeRole of ${roleArn} failed${answered.length === 0 ? "" : ` (${answered.join(", ")})`}: ${detail} ${ASSUME_ROLE_ADVICE[code]}`,
      { cause },
    );
    this.roleArn = roleArn;
    this.stsCode = failure.stsCode;
    this.requestId = failure.requestId;
    this.httpStatusCode = failure.httpStatusCode;
  }
}
