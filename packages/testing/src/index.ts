export { findSecretLeaks, renderings } from "./secret-leaks.js";
export { childProcessEnv } from "./child-env.js";
export { type MintServiceAccountTokenOptions, type OidcIssuer, startOidcIssuer } from "./oidc-issuer.js";
export { createProjectedTokenDir, type ProjectedTokenDir } from "./projected-token.js";
export {
  type StsCall,
  type StsEmulator,
  type StsEmulatorOptions,
  type StsEmulatorRole,
  type StsFault,
  startStsEmulator,
} from "./sts-emulator.js";
export {
  type Radosgw,
  type RadosgwDaemon,
  type RadosgwStartupTimings,
  radosgwUnavailableReason,
  readRadosgwLog,
  type StartRadosgwOptions,
  startRadosgw,
} from "./radosgw.js";
export { RadosgwRequestError, RadosgwStartError } from "./radosgw-errors.js";
export { createMovableClock, LIBFAKETIME, type MovableClock, movableClockUnavailableReason } from "./movable-clock.js";
export {
  createRadosgwIam,
  type RadosgwCredentials,
  type RadosgwIam,
  type RadosgwPolicyDocument,
  type RadosgwRequest,
  type RadosgwResponse,
  sendRadosgwRequest,
  xmlText,
} from "./radosgw-requests.js";
export { type SignedSqsCall, type SqsServer, type SqsServerOptions, startSqsServer } from "./sqs-server.js";
export {
  createTestPki,
  type IssueLeafOptions,
  type TestKeyType,
  type TestLeaf,
  type TestPki,
  type TestPkiOptions,
} from "./pki.js";
export {
  type EmulatedProfile,
  type EmulatedTrustAnchor,
  type RolesAnywhereCall,
  type RolesAnywhereEmulator,
  type RolesAnywhereEmulatorOptions,
  type RolesAnywhereFault,
  startRolesAnywhereEmulator,
} from "./roles-anywhere-emulator.js";
export {
  type Contender,
  type FleetParams,
  type FleetResult,
  peakPerSecond,
  simulateFleet,
} from "./fleet/simulate.js";
export { type Outage, SimulatedSts, type SimulatedStsOptions, type StsCounts } from "./fleet/sts.js";
export { VirtualClock } from "./fleet/virtual-clock.js";
export { seededRandom } from "./fleet/random.js";
