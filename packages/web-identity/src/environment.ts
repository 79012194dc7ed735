/** The token file the kubelet projects, as injected by the EKS pod identity webhook. */
export const ENV_TOKEN_FILE = "AWS_WEB_IDENTITY_TOKEN_FILE";
/** The role to assume. */
export const ENV_ROLE_ARN = "AWS_ROLE_ARN";
/** The session name; generated from the token's subject when unset. */
export const ENV_ROLE_SESSION_NAME = "AWS_ROLE_SESSION_NAME";
/** The region of the STS endpoint, first choice after `clientConfig.region`. */
export const ENV_REGION = "AWS_REGION";
/** The region of the STS endpoint when `AWS_REGION` is unset. */
export const ENV_DEFAULT_REGION = "AWS_DEFAULT_REGION";
/** `legacy` lets the endpoint rules pick the global endpoint for the legacy regions; `regional` (default) never does. */
export const ENV_STS_REGIONAL_ENDPOINTS = "AWS_STS_REGIONAL_ENDPOINTS";

/** Reads a variable at call time; empty counts as unset. */
export function readEnv(name: string): string | undefined {
  const value = process.env[name];
  return value === undefined || value === "" ? undefined : value;
}
