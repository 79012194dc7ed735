// STS AssumeRole for role chaining: the caller is the session that signed the call (credentials this emulator
// issued), and the role's trust policy is `trustedRoleArns` (and `externalId`, when it names one).
import type { EmulatorRequest } from "../harness/emulator-server.js";
import { durationInRange, SESSION_NAME } from "../harness/session-rules.js";
import { authenticateCaller } from "./authenticate-caller.js";
import type { IssuedCredentials } from "./issued-credentials.js";
import { assumeRoleResult } from "./respond.js";
import { StsError } from "./sts-error.js";
import type { StsCallDraft, StsChainedRole } from "./types.js";

/** STS's limit on a session assumed with a role's credentials. */
const MAX_CHAINED_SECONDS = 3600;

/** What AssumeRole needs from the emulator. */
export interface AssumeRoleState {
  readonly chainedRoles: readonly StsChainedRole[];
  readonly issued: IssuedCredentials;
  readonly credentialLifetimeSeconds: number | undefined;
  readonly now: () => number;
}

/** Checks the request as STS does, in its order, and answers role `RoleArn`'s credentials; throws STS's errors. */
export function assumeRole(state: AssumeRoleState, request: EmulatorRequest, params: URLSearchParams, call: StsCallDraft): string {
  const roleArn = params.get("RoleArn") ?? "";
  const sessionName = params.get("RoleSessionName") ?? "";
  const durationText = params.get("DurationSeconds");
  const durationSeconds = durationText === null ? undefined : Number(durationText);
  call.roleArn = roleArn;
  call.roleSessionName = sessionName;
  if (durationSeconds !== undefined) call.durationSeconds = durationSeconds;
  if (roleArn === "" || !SESSION_NAME.test(sessionName)) {
    throw new StsError(400, "ValidationError", "1 validation error detected: RoleArn and RoleSessionName are required; RoleSessionName must satisfy [\\w+=,.@-]{2,64}");
  }
  if (durationSeconds !== undefined && !(Number.isInteger(durationSeconds) && durationInRange(durationSeconds))) {
    throw new StsError(400, "ValidationError", `1 validation error detected: Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);
  }
  const caller = authenticateCaller(request.headers.authorization, state.issued, state.now());
  const role = state.chainedRoles.find((r) => r.arn === roleArn);
  const trusted = role !== undefined && role.trustedRoleArns.includes(caller.roleArn) && (role.externalId === undefined || role.externalId === params.get("ExternalId"));
  if (!trusted) {
    throw new StsError(403, "AccessDenied", `User: ${caller.assumedRoleArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
  }
  if ((durationSeconds ?? 0) > MAX_CHAINED_SECONDS) {
    throw new StsError(400, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
  }
  const lifetimeSeconds = state.credentialLifetimeSeconds ?? durationSeconds ?? MAX_CHAINED_SECONDS;
  const issued = state.issued.issue(roleArn, sessionName, state.now(), lifetimeSeconds);
  return assumeRoleResult({ assumedRoleId: issued.role.assumedRoleId, assumedRoleArn: issued.role.arn, credentials: issued.credentials });
}
