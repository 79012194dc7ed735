// One STS request: the protocol check, the action (AssumeRoleWithWebIdentity with its fault, validation,
// authentication and answer; AssumeRole; GetCallerIdentity), and the record of the call.
import type { CallLog } from "../harness/call-log.js";
import type { EmulatorAnswer, EmulatorHandler, EmulatorRequest } from "../harness/emulator-server.js";
import type { FaultQueue } from "../harness/fault-queue.js";
import { newRequestId } from "../harness/ids.js";
import { type AssumeRoleState, assumeRole } from "./assume-role.js";
import { authenticateCaller } from "./authenticate-caller.js";
import { authenticateToken, type TokenAuthority } from "./authenticate-token.js";
import { applyFault } from "./faults.js";
import type { IssuedCredentials } from "./issued-credentials.js";
import { callerIdentityResult, errorAnswer, rawAnswer, resultAnswer, webIdentityResult } from "./respond.js";
import { internalFailure, RawAnswer, StsError } from "./sts-error.js";
import type { StsCall, StsCallDraft, StsFault } from "./types.js";
import { readWebIdentityParams, validateProtocol, validateWebIdentityParams } from "./validate-request.js";

/** What the handler works with. */
export interface StsState extends TokenAuthority, AssumeRoleState {
  readonly credentialLifetimeSeconds: number | undefined;
  readonly log: CallLog<StsCall>;
  readonly faults: FaultQueue<StsFault>;
  readonly issued: IssuedCredentials;
}

/** The emulator's request handler. */
export function createStsHandler(state: StsState): EmulatorHandler {
  return async (request) => {
    const requestId = newRequestId();
    const params = new URLSearchParams(request.body.toString("utf8"));
    const call: StsCallDraft = { action: params.get("Action") ?? "" };
    const answer = await answerAction(state, request, params, call, requestId);
    state.log.record({ ...call, status: answer.status, requestId, signed: request.headers.authorization !== undefined });
    return answer;
  };
}

async function answerAction(
  state: StsState,
  request: EmulatorRequest,
  params: URLSearchParams,
  call: StsCallDraft,
  requestId: string,
): Promise<EmulatorAnswer> {
  try {
    return resultAnswer(call.action, await runAction(state, request, params, call), requestId);
  } catch (error) {
    if (error instanceof RawAnswer) return rawAnswer(error, requestId);
    const stsError = error instanceof StsError ? error : internalFailure();
    call.errorCode = stsError.code;
    return errorAnswer(stsError, requestId);
  }
}

/** The action's result XML; throws its error. */
async function runAction(state: StsState, request: EmulatorRequest, params: URLSearchParams, call: StsCallDraft): Promise<string> {
  validateProtocol(request.method, params);
  if (call.action === "AssumeRoleWithWebIdentity") {
    state.log.arrive();
    return assumeRoleWithWebIdentity(state, params, call);
  }
  if (call.action === "AssumeRole") return assumeRole(state, request, params, call);
  if (call.action === "GetCallerIdentity") {
    return callerIdentityResult(authenticateCaller(request.headers.authorization, state.issued, state.now()));
  }
  throw new StsError(400, "InvalidAction", `Could not find operation ${call.action} for version 2011-06-15`);
}

async function assumeRoleWithWebIdentity(state: StsState, params: URLSearchParams, call: StsCallDraft): Promise<string> {
  const read = readWebIdentityParams(params, call);
  const fault = state.faults.next();
  if (fault !== undefined) await applyFault(fault, params);
  const valid = validateWebIdentityParams(read);
  const { claims, role, audience } = await authenticateToken(valid.token, valid.roleArn, state, call);
  const lifetimeSeconds = state.credentialLifetimeSeconds ?? valid.durationSeconds ?? 3600;
  const issued = state.issued.issue(role.arn, valid.sessionName, state.now(), lifetimeSeconds);
  return webIdentityResult({
    subject: claims.sub ?? "",
    audience,
    assumedRoleId: issued.role.assumedRoleId,
    assumedRoleArn: issued.role.arn,
    credentials: issued.credentials,
    provider: `arn:aws:iam::${issued.role.account}:oidc-provider/${role.issuer.replace(/^https?:\/\//, "")}`,
  });
}
