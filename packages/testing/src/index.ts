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
