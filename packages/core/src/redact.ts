import { registeredSecrets } from "./secret-registry.js";
import { scrubSecretShapes } from "./secret-shapes.js";

/** What replaces a secret in any text. */
export const REDACTED = "[REDACTED]";

/**
 * The one redaction rule: removes from `text` every secret this process registered (`registerSecret`) and anything
 * shaped like a JWT, a PEM block, an AWS secret key or session token, or key material. Every message, cause, event
 * and log line of the workload-identity packages goes through it.
 */
export function redact(text: string): string {
  let result = text;
  for (const secret of registeredSecrets()) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  return scrubSecretShapes(result, REDACTED);
}

/** {@link redact} applied to every string in a value made of arrays and plain objects (a JSON report). */
export function redactValue<T>(value: T): T {
  if (typeof value === "string") return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactValue(item)) as T;
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(item)])) as T;
  }
  return value;
}
