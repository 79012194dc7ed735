export { describeError } from "./describe-error.js";
export { WorkloadIdentityError, type WorkloadIdentityErrorOptions } from "./errors.js";
export { REDACTED, redact, redactValue } from "./redact.js";
export { safeCause } from "./safe-cause.js";
export { isRegisteredSecret, MIN_SECRET_LENGTH, registerSecret } from "./secret-registry.js";
export { looksLikeSecret } from "./secret-shapes.js";
export { type ParsedArn, parseArn, parseRoleArn, ROLE_ARN_EXAMPLE } from "./aws/arn.js";
export { isRegion, type RegionInput, resolveStsRegion } from "./aws/region.js";
export { type StsCredentialsOutput, type StsSessionCredentials, stsSessionCredentials } from "./aws/sts-credentials.js";
export {
  EXTERNAL_ID_PATTERN,
  EXTERNAL_ID_RULE,
  isSessionDuration,
  MAX_CHAINED_SESSION_DURATION_SECONDS,
  MAX_SESSION_DURATION_SECONDS,
  MIN_SESSION_DURATION_SECONDS,
  SESSION_NAME_PATTERN,
  SESSION_NAME_RULE,
} from "./aws/session.js";
export {
  ENV_ACCESS_KEY_ID,
  ENV_CONTAINER_AUTHORIZATION_TOKEN,
  ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE,
  ENV_CONTAINER_CREDENTIALS_FULL_URI,
  ENV_CONTAINER_CREDENTIALS_RELATIVE_URI,
  ENV_DEFAULT_REGION,
  ENV_GLOBAL_ENDPOINT_URL,
  ENV_IGNORE_CONFIGURED_ENDPOINT_URLS,
  ENV_PROFILE,
  ENV_SHARED_CREDENTIALS_FILE,
  ENV_RA_CERTIFICATE,
  ENV_RA_CERTIFICATE_CHAIN,
  ENV_RA_ENDPOINT,
  ENV_RA_PRIVATE_KEY,
  ENV_RA_PKCS11_PIN,
  ENV_RA_PRIVATE_KEY_PASSPHRASE_FILE,
  ENV_RA_PROFILE_ARN,
  ENV_RA_ROLE_ARN,
  ENV_RA_SESSION_DURATION,
  ENV_RA_TRUST_ANCHOR_ARN,
  ENV_REGION,
  ENV_ROLE_ARN,
  ENV_ROLE_SESSION_NAME,
  ENV_SECRET_ACCESS_KEY,
  ENV_SESSION_TOKEN,
  ENV_STS_REGIONAL_ENDPOINTS,
  ENV_USE_DUALSTACK_ENDPOINT,
  ENV_USE_FIPS_ENDPOINT,
  ENV_WEB_IDENTITY_TOKEN_FILE,
} from "./env/names.js";
export { type Environment, readEnv } from "./env/read-env.js";
export { backoffCeilingMs, fullJitterDelayMs } from "./backoff.js";
export { writePrivateFile } from "./private-file.js";
export { readSecretFile } from "./secret-file.js";
export { InvalidOptionError } from "./invalid-option-error.js";
export { type ProxySetting, proxyAddress, proxySettingProblem, resolveProxy } from "./proxy/proxy-setting.js";
export { ProxyError, type ProxyFailure } from "./proxy/proxy-error.js";
