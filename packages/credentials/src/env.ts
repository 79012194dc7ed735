// The variables this package reads: their names live in @workload-identity/core (one list for every package); what
// is here is which of them belong to which source, and which may be shown.
import {
  ENV_ACCESS_KEY_ID,
  ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE,
  ENV_CONTAINER_CREDENTIALS_FULL_URI,
  ENV_CONTAINER_CREDENTIALS_RELATIVE_URI,
  ENV_PROFILE,
  ENV_RA_CERTIFICATE,
  ENV_RA_CERTIFICATE_CHAIN,
  ENV_RA_ENDPOINT,
  ENV_RA_PKCS11_PIN,
  ENV_RA_PRIVATE_KEY,
  ENV_RA_PRIVATE_KEY_PASSPHRASE_FILE,
  ENV_RA_PROFILE_ARN,
  ENV_RA_ROLE_ARN,
  ENV_RA_SESSION_DURATION,
  ENV_RA_TRUST_ANCHOR_ARN,
  ENV_ROLE_ARN,
  ENV_ROLE_SESSION_NAME,
  ENV_WEB_IDENTITY_TOKEN_FILE,
} from "@workload-identity/core";

export {
  ENV_ACCESS_KEY_ID,
  ENV_CONTAINER_AUTHORIZATION_TOKEN,
  ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE,
  ENV_CONTAINER_CREDENTIALS_FULL_URI,
  ENV_CONTAINER_CREDENTIALS_RELATIVE_URI,
  ENV_PROFILE,
  ENV_RA_CERTIFICATE,
  ENV_RA_CERTIFICATE_CHAIN,
  ENV_RA_ENDPOINT,
  ENV_RA_PKCS11_PIN,
  ENV_RA_PRIVATE_KEY,
  ENV_RA_PRIVATE_KEY_PASSPHRASE_FILE,
  ENV_RA_PROFILE_ARN,
  ENV_RA_ROLE_ARN,
  ENV_RA_SESSION_DURATION,
  ENV_RA_TRUST_ANCHOR_ARN,
  ENV_ROLE_ARN,
  ENV_ROLE_SESSION_NAME,
  ENV_SECRET_ACCESS_KEY,
  ENV_SESSION_TOKEN,
  ENV_WEB_IDENTITY_TOKEN_FILE,
} from "@workload-identity/core";
export type { Environment } from "@workload-identity/core";

/** The required Roles Anywhere variables, in the order they are reported. */
export const ROLES_ANYWHERE_REQUIRED = [
  ENV_RA_CERTIFICATE,
  ENV_RA_PRIVATE_KEY,
  ENV_RA_TRUST_ANCHOR_ARN,
  ENV_RA_PROFILE_ARN,
  ENV_RA_ROLE_ARN,
] as const;

/** The optional Roles Anywhere variables. */
export const ROLES_ANYWHERE_OPTIONAL = [
  ENV_RA_CERTIFICATE_CHAIN,
  ENV_RA_SESSION_DURATION,
  ENV_RA_PRIVATE_KEY_PASSPHRASE_FILE,
  ENV_RA_PKCS11_PIN,
] as const;

/** Hosts of the EKS Pod Identity agent: a full URI pointing there is Pod Identity, whatever else is set. */
export const EKS_POD_IDENTITY_HOSTS: readonly string[] = ["169.254.170.23", "[fd00:ec2::23]"];

/**
 * Variables whose values may be shown by `explain`. Anything else (secret keys, inline tokens, inline PEM keys) is
 * shown only as set or not.
 */
export const PRINTABLE_VARIABLES: ReadonlySet<string> = new Set([
  ENV_WEB_IDENTITY_TOKEN_FILE,
  ENV_ROLE_ARN,
  ENV_ROLE_SESSION_NAME,
  ENV_CONTAINER_CREDENTIALS_FULL_URI,
  ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE,
  ENV_CONTAINER_CREDENTIALS_RELATIVE_URI,
  ENV_RA_TRUST_ANCHOR_ARN,
  ENV_RA_PROFILE_ARN,
  ENV_RA_ROLE_ARN,
  ENV_RA_SESSION_DURATION,
  ENV_RA_PRIVATE_KEY_PASSPHRASE_FILE,
  ENV_RA_ENDPOINT,
  ENV_PROFILE,
  ENV_ACCESS_KEY_ID,
]);

