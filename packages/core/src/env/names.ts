// Every environment variable the workload-identity packages read, named once. Values are read at call time with
// `readEnv`, never at import.

/** Path of the projected service account token (EKS IRSA). */
export const ENV_WEB_IDENTITY_TOKEN_FILE = "AWS_WEB_IDENTITY_TOKEN_FILE";
/** Role to assume with the web identity token. */
export const ENV_ROLE_ARN = "AWS_ROLE_ARN";
/** Session name for AssumeRoleWithWebIdentity. */
export const ENV_ROLE_SESSION_NAME = "AWS_ROLE_SESSION_NAME";

/** Container credentials endpoint (EKS Pod Identity agent: `http://169.254.170.23/v1/credentials`). */
export const ENV_CONTAINER_CREDENTIALS_FULL_URI = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
/** File whose content is sent as the `Authorization` header to the container credentials endpoint. */
export const ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
/** Inline container authorization token (ECS, sidecars). A secret: never printed. */
export const ENV_CONTAINER_AUTHORIZATION_TOKEN = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
/** ECS task role path, relative to 169.254.170.2. */
export const ENV_CONTAINER_CREDENTIALS_RELATIVE_URI = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";

/** IAM Roles Anywhere: certificate (path or PEM). */
export const ENV_RA_CERTIFICATE = "AWS_ROLES_ANYWHERE_CERTIFICATE";
/** IAM Roles Anywhere: private key (path or PEM). A secret when inline: never printed. */
export const ENV_RA_PRIVATE_KEY = "AWS_ROLES_ANYWHERE_PRIVATE_KEY";
/** IAM Roles Anywhere: trust anchor ARN. */
export const ENV_RA_TRUST_ANCHOR_ARN = "AWS_ROLES_ANYWHERE_TRUST_ANCHOR_ARN";
/** IAM Roles Anywhere: profile ARN. */
export const ENV_RA_PROFILE_ARN = "AWS_ROLES_ANYWHERE_PROFILE_ARN";
/** IAM Roles Anywhere: role ARN. */
export const ENV_RA_ROLE_ARN = "AWS_ROLES_ANYWHERE_ROLE_ARN";
/** IAM Roles Anywhere (optional): intermediate certificates (path or PEM). */
export const ENV_RA_CERTIFICATE_CHAIN = "AWS_ROLES_ANYWHERE_CERTIFICATE_CHAIN";
/** IAM Roles Anywhere (optional): session duration in seconds. */
export const ENV_RA_SESSION_DURATION = "AWS_ROLES_ANYWHERE_SESSION_DURATION";
/** IAM Roles Anywhere (optional): file holding the private key's passphrase. */
export const ENV_RA_PRIVATE_KEY_PASSPHRASE_FILE = "AWS_ROLES_ANYWHERE_PRIVATE_KEY_PASSPHRASE_FILE";
/** IAM Roles Anywhere (optional): the user PIN of the PKCS#11 token holding the key. A secret: never printed. */
export const ENV_RA_PKCS11_PIN = "AWS_ROLES_ANYWHERE_PKCS11_PIN";
/** IAM Roles Anywhere (optional): endpoint override, the SDK's service-specific endpoint variable. */
export const ENV_RA_ENDPOINT = "AWS_ENDPOINT_URL_ROLESANYWHERE";

/** Every AWS SDK's global endpoint override, used when no service-specific `AWS_ENDPOINT_URL_<SERVICE>` is set. */
export const ENV_GLOBAL_ENDPOINT_URL = "AWS_ENDPOINT_URL";
/** `true` makes every AWS SDK ignore `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>`. */
export const ENV_IGNORE_CONFIGURED_ENDPOINT_URLS = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";
/** `true` selects the FIPS endpoints (`service-fips.REGION...`), as in every AWS SDK. */
export const ENV_USE_FIPS_ENDPOINT = "AWS_USE_FIPS_ENDPOINT";
/** `true` selects the dual-stack (IPv4 and IPv6) endpoints (`service.REGION.api.aws`), as in every AWS SDK. */
export const ENV_USE_DUALSTACK_ENDPOINT = "AWS_USE_DUALSTACK_ENDPOINT";

/** The SDK chain's profile selector. */
export const ENV_PROFILE = "AWS_PROFILE";
/** The shared credentials file (`~/.aws/credentials` unless set), as in every AWS SDK and CLI. */
export const ENV_SHARED_CREDENTIALS_FILE = "AWS_SHARED_CREDENTIALS_FILE";
/** Static keys (read by the SDK chain). */
export const ENV_ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
export const ENV_SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
export const ENV_SESSION_TOKEN = "AWS_SESSION_TOKEN";

/** The region, first choice of every AWS SDK. */
export const ENV_REGION = "AWS_REGION";
/** The region when `AWS_REGION` is unset. */
export const ENV_DEFAULT_REGION = "AWS_DEFAULT_REGION";
/** `legacy` lets the STS endpoint rules pick the global endpoint for the legacy regions; `regional` (default) never does. */
export const ENV_STS_REGIONAL_ENDPOINTS = "AWS_STS_REGIONAL_ENDPOINTS";
