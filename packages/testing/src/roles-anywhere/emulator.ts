// An IAM Roles Anywhere CreateSession endpoint on 127.0.0.1. It checks requests the way the service does — rebuilds
// the SigV4 canonical request from what it received, verifies the signature with the X-Amz-X509 certificate's public
// key, and the certificate's chain up to the trust anchor's CA — with its own code, independent of the client's.
// Error wording is the emulator's; types, statuses and headers follow the service's restJson1 protocol.
import { X509Certificate } from "node:crypto";
import { createCallLog } from "../harness/call-log.js";
import { emulatorControls } from "../harness/emulator-controls.js";
import { startEmulatorServer } from "../harness/emulator-server.js";
import { createFaultQueue } from "../harness/fault-queue.js";
import { newRequestId } from "../harness/ids.js";
import { createRolesAnywhereHandler } from "./handle-request.js";
import { errorAnswer } from "./respond.js";
import { RolesAnywhereError } from "./service-error.js";
import { createSessionIssuer } from "./sessions.js";
import type { RolesAnywhereCall, RolesAnywhereEmulator, RolesAnywhereEmulatorOptions, RolesAnywhereFault } from "./types.js";

/** Starts the emulator on 127.0.0.1 on a free port. */
export async function startRolesAnywhereEmulator(options: RolesAnywhereEmulatorOptions): Promise<RolesAnywhereEmulator> {
  const now = options.now ?? Date.now;
  const log = createCallLog<RolesAnywhereCall>();
  const faults = createFaultQueue<RolesAnywhereFault>();
  const sessions = createSessionIssuer(now, options.credentialLifetimeSeconds);
  const directory = {
    anchors: new Map(options.trustAnchors.map((anchor) => [anchor.arn, new X509Certificate(anchor.caCertificatePem)] as const)),
    profiles: new Map(options.profiles.map((profile) => [profile.arn, profile] as const)),
  };
  const handler = createRolesAnywhereHandler({ directory, sessions, now, maxClockSkewMs: options.maxClockSkewMs ?? 300_000, log, faults });
  const server = await startEmulatorServer(handler, {
    failure: (status, message) =>
      errorAnswer(new RolesAnywhereError(status, status === 413 ? "ValidationException" : "InternalServerException", message), newRequestId()),
  });
  return Object.assign(emulatorControls(server, log, faults), { credentialsIssued: () => sessions.issued() });
}
