// The variables this package reads, named in @workload-identity/core with one rule for reading them.
export {
  ENV_DEFAULT_REGION,
  ENV_REGION,
  ENV_ROLE_ARN,
  ENV_ROLE_SESSION_NAME,
  ENV_STS_REGIONAL_ENDPOINTS,
  ENV_WEB_IDENTITY_TOKEN_FILE as ENV_TOKEN_FILE,
  readEnv,
} from "@workload-identity/core";
