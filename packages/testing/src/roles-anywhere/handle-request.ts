// One CreateSession request: the call recorded at its arrival, the injected fault, then who signed
// (SigV4-X509), what they ask, whether the anchor and profile allow it, and the certificate chain — in the service's
// order, so the first failing check is the one answered.
import type { CallLog } from "../harness/call-log.js";
import type { EmulatorHandler, EmulatorRequest } from "../harness/emulator-server.js";
import type { FaultQueue } from "../harness/fault-queue.js";
import { newRequestId } from "../harness/ids.js";
import { authenticateChain } from "./authenticate-chain.js";
import { authenticateSignature } from "./authenticate-signature.js";
import { authorizeSession, type RolesAnywhereDirectory } from "./authorize-session.js";
import { applyFault } from "./faults.js";
import { type CreateSessionResponse, errorAnswer, sessionAnswer } from "./respond.js";
import { RolesAnywhereError } from "./service-error.js";
import type { SessionIssuer } from "./sessions.js";
import type { RolesAnywhereCall, RolesAnywhereCallRecord, RolesAnywhereFault } from "./types.js";
import { validateSessionRequest } from "./validate-request.js";

/** What the handler works with. */
export interface RolesAnywhereState {
  readonly directory: RolesAnywhereDirectory;
  readonly sessions: SessionIssuer;
  readonly now: () => number;
  readonly maxClockSkewMs: number;
  readonly log: CallLog<RolesAnywhereCall>;
  readonly faults: FaultQueue<RolesAnywhereFault>;
}

/** The emulator's request handler. */
export function createRolesAnywhereHandler(state: RolesAnywhereState): EmulatorHandler {
  return async (request) => {
    const requestId = newRequestId();
    if (request.method !== "POST" || request.url.pathname !== "/sessions") {
      return errorAnswer(new RolesAnywhereError(404, "UnknownOperationException", "Unknown operation."), requestId);
    }
    const record: RolesAnywhereCallRecord = { status: 0, requestId, chainLength: 0 };
    state.log.arrive();
    state.log.record(record);
    const injected = await applyFault(state.faults.next());
    try {
      if (injected !== undefined) throw injected;
      const document = createSession(state, request, record);
      record.status = 201;
      record.accessKeyId = document.credentialSet[0]?.credentials.accessKeyId;
      return sessionAnswer(document, requestId);
    } catch (error) {
      if (!(error instanceof RolesAnywhereError)) throw error;
      Object.assign(record, { status: error.status, errorType: error.type, errorMessage: error.message });
      return errorAnswer(error, requestId);
    }
  };
}

function createSession(state: RolesAnywhereState, request: EmulatorRequest, record: RolesAnywhereCallRecord): CreateSessionResponse {
  const { leaf, chain, scopeRegion } = authenticateSignature(request, record, state.now(), state.maxClockSkewMs);
  const session = validateSessionRequest(request, record);
  const ca = authorizeSession(session, scopeRegion, state.directory);
  authenticateChain(leaf, chain, ca, state.now());
  return state.sessions.issue(session, leaf, scopeRegion);
}

