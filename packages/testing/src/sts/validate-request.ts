// What STS checks before it looks at the token: the protocol, then AssumeRoleWithWebIdentity's parameters, with
// STS's own error codes and wording.
import { durationInRange, SESSION_NAME } from "../harness/session-rules.js";
import { StsError } from "./sts-error.js";
import type { StsCallDraft } from "./types.js";

const MAX_POLICY_CHARS = 2048;

/** AssumeRoleWithWebIdentity's parameters as received, before any check. */
export interface WebIdentityParams {
  readonly roleArn: string | null;
  readonly sessionName: string | null;
  readonly token: string | null;
  readonly durationText: string | null;
  readonly durationSeconds: number | undefined;
  readonly policy: string | null;
}

/** The parameters once checked. */
export interface WebIdentityRequest {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly token: string;
  readonly durationSeconds: number | undefined;
}

/** Only POST, and only the 2011-06-15 API. */
export function validateProtocol(method: string, params: URLSearchParams): void {
  if (method !== "POST") throw new StsError(405, "InvalidAction", "Only POST is supported.");
  if (params.get("Version") !== "2011-06-15") throw new StsError(400, "InvalidParameterValue", "Version must be 2011-06-15.");
}

/** Reads the parameters and records the ones a test looks at, checked or not. */
export function readWebIdentityParams(params: URLSearchParams, call: StsCallDraft): WebIdentityParams {
  const durationText = params.get("DurationSeconds");
  const read: WebIdentityParams = {
    roleArn: params.get("RoleArn"),
    sessionName: params.get("RoleSessionName"),
    token: params.get("WebIdentityToken"),
    durationText,
    durationSeconds: durationText === null ? undefined : Number(durationText),
    policy: params.get("Policy"),
  };
  if (read.roleArn !== null) call.roleArn = read.roleArn;
  if (read.sessionName !== null) call.roleSessionName = read.sessionName;
  if (read.durationSeconds !== undefined) call.durationSeconds = read.durationSeconds;
  return read;
}

/** Checks the parameters as STS does, in its order; throws its ValidationError or policy errors. */
export function validateWebIdentityParams(read: WebIdentityParams): WebIdentityRequest {
  const { roleArn, sessionName, token, durationSeconds } = read;
  for (const [name, value] of [
    ["roleArn", roleArn],
    ["roleSessionName", sessionName],
    ["webIdentityToken", token],
  ] as const) {
    if (value === null || value === "") throw validationError(`Value null at '${name}' failed to satisfy constraint: Member must not be null`);
  }
  if (!SESSION_NAME.test(sessionName ?? "")) {
    throw validationError(`Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
  }
  if (durationSeconds !== undefined && !(Number.isInteger(durationSeconds) && durationInRange(durationSeconds))) {
    throw validationError(`Value '${read.durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);
  }
  if (read.policy !== null) validatePolicy(read.policy);
  return { roleArn: roleArn ?? "", sessionName: sessionName ?? "", token: token ?? "", durationSeconds };
}

function validatePolicy(policy: string): void {
  try {
    JSON.parse(policy);
  } catch {
    throw new StsError(400, "MalformedPolicyDocument", "The policy is not in the valid JSON format.");
  }
  if (policy.length > MAX_POLICY_CHARS) {
    throw new StsError(400, "PackedPolicyTooLarge", "Packed policy consumes 112% of allotted space, please use smaller policy.");
  }
}

function validationError(detail: string): StsError {
  return new StsError(400, "ValidationError", `1 validation error detected: ${detail}`);
}
