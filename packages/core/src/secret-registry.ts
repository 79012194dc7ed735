// The secrets this process has seen — tokens read from files, key material and passphrases, credentials issued, the
// container authorization token — so that the redaction rule can remove them from any text, wherever it came from.
// Process-wide behind `Symbol.for`, so the ESM and CommonJS builds (and two copies of this package) share one list.

const REGISTRY_KEY = Symbol.for("@workload-identity/core.secrets");
/** Enough for every secret of a long-running process's recent refreshes; the oldest are forgotten first. */
const MAX_SECRETS = 512;
/**
 * Shorter values are not scrubbed: replacing "abc" everywhere would garble messages and protect nothing (a secret that
 * short is no secret). The shape rules still catch JWTs, PEM blocks and AWS keys of any origin.
 */
export const MIN_SECRET_LENGTH = 8;
// A line of a multi-line secret (a PEM key) that is echoed alone is still a secret.
const MIN_LINE_LENGTH = 16;

function registry(): Map<string, true> {
  const holder = globalThis as unknown as Record<symbol, Map<string, true> | undefined>;
  let values = holder[REGISTRY_KEY];
  if (values === undefined) {
    values = new Map();
    holder[REGISTRY_KEY] = values;
  }
  return values;
}

function remember(values: Map<string, true>, form: string): void {
  if (form.length < MIN_SECRET_LENGTH) return;
  values.delete(form);
  values.set(form, true);
  if (values.size > MAX_SECRETS) {
    const oldest = values.keys().next();
    if (oldest.done !== true) values.delete(oldest.value);
  }
}

/**
 * Tells the redaction rule about secrets: from now on they are replaced in every message, cause, event and log line
 * that goes through it. Also remembers the forms a secret takes when it is quoted: trimmed, URL-encoded, JSON-escaped,
 * and each long line of a multi-line secret. `undefined` and short values are ignored.
 */
export function registerSecret(...secrets: readonly (string | undefined)[]): void {
  const values = registry();
  for (const secret of secrets) {
    if (typeof secret !== "string") continue;
    const trimmed = secret.trim();
    for (const form of new Set([secret, trimmed, encodeURIComponent(trimmed), JSON.stringify(trimmed).slice(1, -1)])) {
      remember(values, form);
    }
    if (/[\r\n]/.test(trimmed)) {
      for (const line of trimmed.split(/\r?\n/)) if (line.trim().length >= MIN_LINE_LENGTH) remember(values, line.trim());
    }
  }
}

/** Whether `value` (trimmed) is a secret this process has registered. */
export function isRegisteredSecret(value: string): boolean {
  return registry().has(value.trim());
}

/** The registered secrets, longest first, so a secret is replaced before any shorter one inside it. */
export function registeredSecrets(): string[] {
  return [...registry().keys()].sort((a, b) => b.length - a.length);
}
