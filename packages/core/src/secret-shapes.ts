// What a secret looks like when nobody registered it: a JWT, a PEM block, an AWS secret key or session token, key
// material in base64 or hex. Used to scrub text, and to notice a secret pasted where a file path belongs.

/** A JWT: its header is JSON, so it starts with `eyJ` (base64url of `{"`). */
const JWT = /eyJ[\w-]*\.[\w-]+\.[\w-]*/g;
/** A PEM block, also with a mangled dash run, up to its END line or the end of the text. */
const PEM_BLOCK = /-{2,}\s*BEGIN [A-Z0-9 ]*-{2,}[\s\S]*?(?:-{2,}\s*END [A-Z0-9 ]*-{2,}|$)/g;
/**
 * An opaque run of the base64 alphabet at least as long as an AWS secret access key (40), with letters and digits:
 * secret keys, session tokens, lines of key material, hex DER. A path or an ARN is cut short by its `.`, `-`, `_` or
 * `:` long before that; a certificate's decimal serial number has no letter.
 */
const OPAQUE_RUN = /[A-Za-z0-9+/=]{40,}/g;
const HAS_LETTER = /[A-Za-z]/;
const HAS_DIGIT = /\d/;

const isOpaque = (run: string): boolean => HAS_LETTER.test(run) && HAS_DIGIT.test(run);

/** Replaces every run of text shaped like a secret by `marker`. */
export function scrubSecretShapes(text: string, marker: string): string {
  return text
    .replace(PEM_BLOCK, marker)
    .replace(JWT, marker)
    .replace(OPAQUE_RUN, (run) => (isOpaque(run) ? marker : run));
}

/** Three base64url segments whose first decodes to a JSON object: a JWT, whatever its header. */
function isJwt(value: string): boolean {
  const parts = value.split(".");
  if (parts.length !== 3 || !parts.every((part) => /^[\w-]*$/.test(part)) || (parts[0] ?? "") === "") return false;
  try {
    return Buffer.from(parts[0] ?? "", "base64url").toString("utf8").trimStart().startsWith("{");
  } catch {
    return false;
  }
}

/**
 * Whether a value given where a file path belongs is rather a secret itself: a token, a PEM text (even with a mangled
 * BEGIN line), base64 or hex key material, anything on several lines. Trimmed first, so a trailing newline hides
 * nothing. A real path — absolute, relative, with dots such as `serviceaccount.token-file.projected` — is not.
 */
export function looksLikeSecret(value: string): boolean {
  const trimmed = value.trim();
  if (/[\r\n]/.test(trimmed)) return true;
  if (/BEGIN [A-Z0-9 ]*(?:KEY|CERTIFICATE)/.test(trimmed)) return true;
  if (isJwt(trimmed)) return true;
  const compact = trimmed.replace(/\s+/g, "");
  return compact.length >= 40 && /^[A-Za-z0-9+/=]+$/.test(compact) && isOpaque(compact);
}
