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
  SdkChainFailedError,
} from "./errors.js";
export { type ExplainedVariable, type ExplainInit, type Explanation, explain } from "./explain.js";
export { formatExplanation } from "./format-explanation.js";
export { type FromEnvironmentAwareInit, fromEnvironmentAware } from "./from-environment-aware.js";
export type { PodIdentityOptions } from "./pod-identity.js";
export type { CredentialSourceName } from "./select-source.js";
export type { SdkChainOptions } from "./sdk-chain.js";
export { clearSharedCredentialCache } from "./shared-cache.js";
export { type WhoamiInit, type WhoamiResult, whoami } from "./whoami.js";

// The public API of the sibling packages, so `@workload-identity/credentials` is the one package to install. Loading
// them costs little: the SDK's STS client is loaded only when a web identity refresh (or `whoami`) needs it.
export {
  CredentialsExpiredError,
  defaultRefreshBeforeMs,
  type RefreshCallOptions,
  type RefreshEvent,
  type RefreshEventType,
  type RefreshOptions,
  type RefreshReason,
  RefreshTimeoutError,
  type RetryOptions,
  type SetTimer,
  SourceReturnedExpiredCredentialsError,
  SourceReturnedInvalidCredentialsError,
  withRefresh,
  WorkloadIdentityError,
  type WorkloadIdentityErrorOptions,
} from "@workload-identity/refresh";
export {
  describeWebIdentityToken,
  ENV_TOKEN_FILE,
  type FromTokenFileInit,
  fromTokenFile,
  type StsFailure,
  StsRequestError,
  type StsRequestErrorCode,
  type StsRetryOptions,
  WebIdentityConfigurationError,
  type WebIdentityConfigurationErrorCode,
  WebIdentityNotConfiguredError,
  type WebIdentityTokenClaims,
  WebIdentityTokenError,
  type WebIdentityTokenErrorCode,
  WebIdentityTokenFileError,
  type WebIdentityTokenFileErrorCode,
} from "@workload-identity/web-identity";
export {
  CERTIFICATE_EXPIRY_WARNING_MS,
  CertificateMaterialError,
  type CertificateSummary,
  type CreateSessionBody,
  type CredentialMaterial,
  type CredentialMaterialSource,
  DEFAULT_DURATION_SECONDS,
  ENV_ENDPOINT_URL,
  type FromRolesAnywhereInit,
  formatAmzDate,
  fromRolesAnywhere,
  inspectCertificate,
  loadCredentialMaterial,
  MAX_DURATION_SECONDS,
  type MaterialInput,
  MIN_DURATION_SECONDS,
  type ResolvedRolesAnywhereOptions,
  type RolesAnywhereErrorCode,
  RolesAnywhereOptionError,
  RolesAnywhereRequestError,
  RolesAnywhereServiceError,
  resolveSessionsUrl,
  type SessionCredentials,
  type SignCreateSessionRequestInput,
  type SignedCreateSessionRequest,
  type SigningAlgorithm,
  sendCreateSession,
  serializeCreateSessionBody,
  signCreateSessionRequest,
  validateRolesAnywhereOptions,
} from "@workload-identity/roles-anywhere";
