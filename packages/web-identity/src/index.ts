export type { StsRetryOptions, StsTimeouts } from "./assume-role.js";
export { ENV_ROLE_ARN, ENV_ROLE_SESSION_NAME, ENV_TOKEN_FILE } from "./environment.js";
export {
  type StsFailure,
  StsRequestError,
  type StsRequestErrorCode,
  WebIdentityConfigurationError,
  type WebIdentityConfigurationErrorCode,
  WebIdentityNotConfiguredError,
  WebIdentityTokenError,
  type WebIdentityTokenErrorCode,
  WebIdentityTokenFileError,
  type WebIdentityTokenFileErrorCode,
} from "./errors.js";
export { type FromTokenFileInit, fromTokenFile } from "./from-token-file.js";
export type { TokenFileSourceInit } from "./token-file-options.js";
export { createTokenFileSource } from "./token-file-source.js";
export { describeWebIdentityToken, type WebIdentityTokenClaims } from "./token.js";
