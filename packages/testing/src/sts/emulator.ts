import { createCallLog } from "../harness/call-log.js";
import { emulatorControls } from "../harness/emulator-controls.js";
import { startEmulatorServer } from "../harness/emulator-server.js";
import { createFaultQueue } from "../harness/fault-queue.js";
import { newRequestId } from "../harness/ids.js";
import { createStsHandler } from "./handle-request.js";
import { createIssuedCredentials } from "./issued-credentials.js";
import { createIssuerKeysResolver } from "./jwks.js";
import { errorAnswer } from "./respond.js";
import { internalFailure, StsError } from "./sts-error.js";
import type { StsCall, StsEmulator, StsEmulatorOptions, StsFault } from "./types.js";

/**
 * Starts an STS emulator on 127.0.0.1 speaking the Query protocol the SDK's STS client uses (form-encoded POST,
 * XML out). AssumeRoleWithWebIdentity verifies the token as STS does — signature against the issuer's JWKS found
 * through its discovery document, issuer, audience, expiry — then the role's trust condition. GetCallerIdentity
 * answers for credentials it issued (found by the access key id of the SigV4 `Authorization` header; the signature
 * itself is not checked). AssumeRole (role chaining) hands out `chainedRoles` to the sessions of the roles each trusts,
 * authenticated the same way.
 */
export async function startStsEmulator(options: StsEmulatorOptions): Promise<StsEmulator> {
  const log = createCallLog<StsCall>();
  const faults = createFaultQueue<StsFault>();
  const issued = createIssuedCredentials();
  const handler = createStsHandler({
    roles: options.roles,
    chainedRoles: options.chainedRoles ?? [],
    issuerKeys: createIssuerKeysResolver(),
    now: options.now ?? Date.now,
    credentialLifetimeSeconds: options.credentialLifetimeSeconds,
    log,
    faults,
    issued,
  });
  const server = await startEmulatorServer(handler, {
    failure: (status, message) =>
      errorAnswer(status === 413 ? new StsError(413, "RequestEntityTooLarge", message) : internalFailure(), newRequestId()),
  });
  return Object.assign(emulatorControls(server, log, faults), { credentialsIssued: () => issued.list() });
}
