export {
  ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE,
  ENV_CONTAINER_CREDENTIALS_FULL_URI,
  ENV_RA_CERTIFICATE,
  ENV_RA_CERTIFICATE_CHAIN,
  ENV_RA_ENDPOINT,
  ENV_RA_PRIVATE_KEY,
  ENV_RA_PRIVATE_KEY_PASSPHRASE_FILE,
  ENV_RA_PROFILE_ARN,
  ENV_RA_ROLE_ARN,
  ENV_RA_SESSION_DURATION,
  ENV_RA_TRUST_ANCHOR_ARN,
  ENV_ROLE_ARN,
  ENV_ROLE_SESSION_NAME,
  ENV_WEB_IDENTITY_TOKEN_FILE,
} from "./env.js";
export {
  HalfConfiguredError,
  type HalfConfiguredSource,
  InvalidEnvironmentValueError,
  NoCredentialSourceError,
  PassphraseFileError,
  PodIdentityError,
  SdkChainError,
} from "./errors.js";
export { type ExplainedVariable, type ExplainInit, type Explanation, explain } from "./explain.js";
export { formatExplanation } from "./format-explanation.js";
export { type FromEnvironmentAwareInit, fromEnvironmentAware } from "./from-environment-aware.js";
export type { PodIdentityOptions } from "./pod-identity.js";
export type { CredentialSourceName } from "./select-source.js";
export type { SdkChainOptions } from "./sdk-chain.js";
export { clearSharedCredentialCache } from "./shared-cache.js";
export { type WhoamiInit, type WhoamiResult, whoami } from "./whoami.js";
