const MAX_LENGTH = 64;
const INVALID_CHARACTERS = /[^\w+=,.@-]/g;
const SUFFIX_VALUES = 36 ** 6;
const SERVICE_ACCOUNT_SUBJECT = /^system:serviceaccount:([^:]+):([^:]+)$/;

export { SESSION_NAME_PATTERN } from "@workload-identity/core";

/**
 * A session name that tells CloudTrail readers which workload assumed the role: `NAMESPACE.NAME@suffix` for a
 * Kubernetes service account subject, a cleaned-up subject otherwise, always valid for STS. The six-character
 * base-36 suffix tells apart the sessions of pods that share a service account.
 *
 * @param random - a source of numbers in [0, 1); `Math.random` when not given
 */
export function defaultSessionName(subject: string | undefined, random: () => number = Math.random): string {
  const match = subject === undefined ? null : SERVICE_ACCOUNT_SUBJECT.exec(subject);
  const base = match !== null ? `${match[1]}.${match[2]}` : (subject ?? "web-identity");
  // Clamped: an injected random() may return 1, which would make the suffix seven characters.
  const suffix = `@${Math.min(SUFFIX_VALUES - 1, Math.floor(random() * SUFFIX_VALUES)).toString(36).padStart(6, "0")}`;
  const cleaned = base.replace(INVALID_CHARACTERS, "-").slice(0, MAX_LENGTH - suffix.length);
  return `${cleaned === "" ? "web-identity" : cleaned}${suffix}`;
}
