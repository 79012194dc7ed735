// What `explain` and the CLI may show of a value that should be a path but could be the secret itself (a token pasted
// into AWS_WEB_IDENTITY_TOKEN_FILE, a one-line base64 key in AWS_ROLES_ANYWHERE_PRIVATE_KEY), and the secrets of the
// environment handed to the one redaction rule (`@workload-identity/core`), which scrubs every text we print.
import { looksLikeSecret, registerSecret } from "@workload-identity/core";
import {
  ENV_CONTAINER_AUTHORIZATION_TOKEN,
  ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE,
  ENV_RA_PKCS11_PIN,
  ENV_RA_PRIVATE_KEY,
  ENV_RA_PRIVATE_KEY_PASSPHRASE_FILE,
  ENV_SECRET_ACCESS_KEY,
  ENV_SESSION_TOKEN,
  ENV_WEB_IDENTITY_TOKEN_FILE,
  type Environment,
} from "./env.js";

/** Shown instead of a value that does not look like a path. */
export const HIDDEN_NOT_A_PATH = "(hidden: not an absolute or ./ path)";

// Absolute (POSIX or Windows), home-relative or explicitly relative. A token, a base64 key or a passphrase never
// starts like this; a bare relative name ("key.pem") is hidden too, which costs the user little.
const PATH_LIKE = /^(?:\/|\.{1,2}[/\\]|~[/\\]|[A-Za-z]:[/\\])\S*$/;

/** The value if it looks like a file path (and not like a secret), else a placeholder. */
export function displayPath(value: string): string {
  return PATH_LIKE.test(value) && !looksLikeSecret(value) ? value : HIDDEN_NOT_A_PATH;
}

/** Variables holding a secret. */
const SECRET_VARIABLES = [ENV_SECRET_ACCESS_KEY, ENV_SESSION_TOKEN, ENV_CONTAINER_AUTHORIZATION_TOKEN, ENV_RA_PKCS11_PIN] as const;
/** Variables that name a file (or, for the key, hold it inline): shown only when the value looks like a path. */
export const PATH_VARIABLES: ReadonlySet<string> = new Set([
  ENV_WEB_IDENTITY_TOKEN_FILE,
  ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE,
  ENV_RA_PRIVATE_KEY,
  ENV_RA_PRIVATE_KEY_PASSPHRASE_FILE,
]);

/**
 * Registers with the redaction rule the secrets the environment holds — secret variables, and path variables whose
 * value is not a path (a pasted token or key) — and the given extra values (inline keys, passphrases from options).
 */
export function registerEnvironmentSecrets(env: Environment, extra: readonly (string | undefined)[] = []): void {
  registerSecret(
    ...SECRET_VARIABLES.map((name) => env[name]),
    ...[...PATH_VARIABLES].map((name) => env[name]).filter((value) => value !== undefined && displayPath(value) !== value),
    ...extra,
  );
}
