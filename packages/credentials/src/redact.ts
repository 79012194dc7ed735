// What `explain` and the CLI may show of a value that should be a path but could be the secret itself (a token pasted
// into AWS_WEB_IDENTITY_TOKEN_FILE, a one-line base64 key in AWS_ROLES_ANYWHERE_PRIVATE_KEY), and the scrubbing of
// such values from any text they print, error messages of other packages included.
import {
  ENV_CONTAINER_AUTHORIZATION_TOKEN,
  ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE,
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

/** The value if it looks like a file path, else a placeholder. */
export function displayPath(value: string): string {
  return PATH_LIKE.test(value) ? value : HIDDEN_NOT_A_PATH;
}

/** Variables holding a secret, or a path a user may have filled with the secret itself. */
const SECRET_VARIABLES = [ENV_SECRET_ACCESS_KEY, ENV_SESSION_TOKEN, ENV_CONTAINER_AUTHORIZATION_TOKEN] as const;
/** Variables that name a file (or, for the key, hold it inline): shown only when the value looks like a path. */
export const PATH_VARIABLES: ReadonlySet<string> = new Set([
  ENV_WEB_IDENTITY_TOKEN_FILE,
  ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE,
  ENV_RA_PRIVATE_KEY,
  ENV_RA_PRIVATE_KEY_PASSPHRASE_FILE,
]);

// Shorter values are not scrubbed: replacing "abc" everywhere would garble the report and protect nothing.
const MIN_SECRET_LENGTH = 8;

/**
 * The values that must never be printed: secret variables, path variables whose value is not a path, and the given
 * extra values (inline keys and passphrases from options).
 */
export function secretValues(env: Environment, extra: readonly (string | undefined)[] = []): string[] {
  const values = [
    ...SECRET_VARIABLES.map((name) => env[name]),
    ...[...PATH_VARIABLES].map((name) => env[name]).filter((value) => value !== undefined && displayPath(value) !== value),
    ...extra,
  ];
  return values.filter((value): value is string => value !== undefined && value.trim().length >= MIN_SECRET_LENGTH);
}

/** Replaces every occurrence of each secret in `text` (and in strings nested in arrays and plain objects). */
export function redact<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  if (typeof value === "string") {
    let text: string = value;
    for (const secret of secrets) text = text.split(secret).join("(hidden)").split(secret.trim()).join("(hidden)");
    return text as T;
  }
  if (Array.isArray(value)) return value.map((item: unknown) => redact(item, secrets)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redact(item, secrets)])) as T;
  }
  return value;
}
