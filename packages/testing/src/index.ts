export { findSecretLeaks, renderings } from "./secret-leaks.js";
export { childProcessEnv } from "./child-env.js";
export { type OidcIssuer, type OidcIssuerOptions, startOidcIssuer } from "./oidc/issuer.js";
export type { MintServiceAccountTokenOptions } from "./oidc/service-account-token.js";
export { createProjectedTokenDir, type ProjectedTokenDir, type ProjectedTokenDirOptions } from "./projected-token.js";
export { startStsEmulator } from "./sts/emulator.js";
export type { StsCall, StsChainedRole, StsEmulator, StsEmulatorOptions, StsEmulatorRole, StsFault } from "./sts/types.js";
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
export { type RefusedCredentialsCode, type SignedSqsCall, type SqsServer, type SqsServerOptions, startSqsServer } from "./sqs/server.js";
export {
  createTestPki,
  type IssueLeafOptions,
  type TestCertificate,
  type TestKeyType,
  type TestLeaf,
  type TestPki,
  type TestPkiOptions,
} from "./pki.js";
export { startRolesAnywhereEmulator } from "./roles-anywhere/emulator.js";
export type {
  EmulatedProfile,
  EmulatedTrustAnchor,
  RolesAnywhereCall,
  RolesAnywhereEmulator,
  RolesAnywhereEmulatorOptions,
  RolesAnywhereFault,
} from "./roles-anywhere/types.js";
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
export {
  type EmulatorAnswer,
  type EmulatorHandler,
  type EmulatorRequest,
  type EmulatorServerOptions,
  startEmulatorServer,
} from "./harness/emulator-server.js";
export type { EmulatorControls } from "./harness/emulator-controls.js";
export type { LoopbackServer } from "./harness/loopback-server.js";
export {
  startWebIdentityWorld,
  type WebIdentityEnv,
  type WebIdentityWorld,
  type WebIdentityWorldOptions,
} from "./worlds/web-identity-world.js";
export {
  type RolesAnywhereEnv,
  type RolesAnywhereInit,
  type RolesAnywhereWorld,
  type RolesAnywhereWorldOptions,
  startRolesAnywhereWorld,
  type TestLeafFiles,
} from "./worlds/roles-anywhere-world.js";
export { type World, type WorldWithSqs, withSqsServer } from "./worlds/with-sqs-server.js";
export { type SlowSockets, startSlowSockets, startTokenFlood, type TokenFlood } from "./imds-load.js";
export { createWebIdentityRole, type WebIdentityRole } from "./radosgw-web-identity.js";
export { type ExportPkcs12Options, exportPkcs12, opensslUnavailableReason } from "./pkcs12.js";
export { startTinyproxy, type Tinyproxy, type TinyproxyOptions, tinyproxyUnavailableReason } from "./proxy/tinyproxy.js";
export {
  createSoftHsmToken,
  SOFTHSM_MODULE,
  type SoftHsmKey,
  type SoftHsmToken,
  type SoftHsmTokenOptions,
  softHsmUnavailableReason,
} from "./hardware/softhsm.js";
export {
  type SoftwareTpm,
  softwareTpmUnavailableReason,
  startSoftwareTpm,
  TPM2_PKCS11_MODULE,
  type TpmKey,
} from "./hardware/swtpm.js";
export { REQUIRE_TOOLS_VARIABLE, skipUnlessRequired } from "./required-tools.js";
