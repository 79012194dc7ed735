import { registerSecret } from "@workload-identity/core";
import { RolesAnywhereOptionError } from "./errors.js";

// RFC 7512 PKCS#11 URIs, the syntax AWS's signing helper takes for `--certificate` and `--private-key`:
// `pkcs11:token=Workload;object=roles-anywhere;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=/run/pin`.
// A URI is a search: its path attributes narrow down the token and the object, its query says how to reach them.

/** The path attributes of RFC 7512 that select a token or an object. */
const PATH_ATTRIBUTES = [
  "token",
  "manufacturer",
  "serial",
  "model",
  "library-manufacturer",
  "library-description",
  "library-version",
  "slot-manufacturer",
  "slot-description",
  "slot-id",
  "object",
  "type",
  "id",
] as const;
const QUERY_ATTRIBUTES = ["module-path", "pin-value", "pin-source", "module-name"] as const;
const OBJECT_TYPES = ["private", "cert", "public", "secret-key", "data"] as const;

type PathAttribute = (typeof PATH_ATTRIBUTES)[number];

/** A parsed PKCS#11 URI. Text values are percent-decoded; `id` is bytes (CKA_ID). */
export interface Pkcs11Uri {
  /** Token and slot attributes: `token` (label), `manufacturer`, `serial`, `model`, `slot-*`, `library-*`. */
  readonly token: Readonly<Partial<Record<Exclude<PathAttribute, "object" | "type" | "id">, string>>>;
  /** CKA_LABEL */
  readonly object: string | undefined;
  /** CKA_ID */
  readonly id: Buffer | undefined;
  readonly type: (typeof OBJECT_TYPES)[number] | undefined;
  readonly modulePath: string | undefined;
  /** The user PIN inside the URI; registered as a secret when parsed and never printed. */
  readonly pinValue: string | undefined;
  /** A file holding the PIN: a path, or a `file:` URI. */
  readonly pinSource: string | undefined;
}

/** Whether a certificate or key input is a PKCS#11 URI rather than a path or PEM. */
export function isPkcs11Uri(input: unknown): boolean {
  return typeof input === "string" && /^pkcs11:/i.test(input.trim());
}

/**
 * Parses an RFC 7512 URI. Unknown attributes are refused (a typo would otherwise widen the search to another key),
 * except vendor attributes (`x-…`), which are ignored as the RFC allows.
 * @throws RolesAnywhereOptionError `ROLES_ANYWHERE_PKCS11_INVALID_URI`, naming `option` and the attribute at fault
 */
export function parsePkcs11Uri(input: string, option: string): Pkcs11Uri {
  const text = input.trim();
  const queryAt = text.indexOf("?");
  const path = text.slice("pkcs11:".length, queryAt === -1 ? undefined : queryAt);
  const query = queryAt === -1 ? "" : text.slice(queryAt + 1);
  const queryValues = attributes(query, "&", QUERY_ATTRIBUTES, option);
  // Registered before anything else can fail and be printed.
  registerSecret(queryValues.get("pin-value")?.toString("utf8"));
  const pathValues = attributes(path, ";", PATH_ATTRIBUTES, option);
  if (queryValues.has("module-name")) {
    throw invalidUri(option, "module-name is not supported: give the module's file with module-path (or the pkcs11 modulePath option).");
  }
  if (queryValues.has("pin-value") && queryValues.has("pin-source")) {
    throw invalidUri(option, "give the PIN once: pin-value or pin-source, not both.");
  }
  const type = pathValues.get("type")?.toString("utf8");
  if (type !== undefined && !(OBJECT_TYPES as readonly string[]).includes(type)) {
    throw invalidUri(option, `type must be one of ${OBJECT_TYPES.join(", ")}; got "${type}".`);
  }
  const token: Partial<Record<PathAttribute, string>> = {};
  for (const [name, value] of pathValues) {
    if (name !== "object" && name !== "type" && name !== "id") token[name] = value.toString("utf8");
  }
  return {
    token,
    object: pathValues.get("object")?.toString("utf8"),
    id: pathValues.get("id"),
    type: type as Pkcs11Uri["type"],
    modulePath: queryValues.get("module-path")?.toString("utf8"),
    pinValue: queryValues.get("pin-value")?.toString("utf8"),
    pinSource: queryValues.get("pin-source")?.toString("utf8"),
  };
}

/** The URI for messages and logs: every attribute but `pin-value`, which is never printed. */
export function formatPkcs11Uri(uri: Pkcs11Uri): string {
  const path: string[] = Object.entries(uri.token).map(([name, value]) => `${name}=${encode(value)}`);
  if (uri.object !== undefined) path.push(`object=${encode(uri.object)}`);
  if (uri.id !== undefined) path.push(`id=${[...uri.id].map((byte) => `%${byte.toString(16).padStart(2, "0")}`).join("")}`);
  if (uri.type !== undefined) path.push(`type=${uri.type}`);
  const query: string[] = [];
  if (uri.modulePath !== undefined) query.push(`module-path=${encode(uri.modulePath)}`);
  if (uri.pinSource !== undefined) query.push(`pin-source=${encode(uri.pinSource)}`);
  return `pkcs11:${path.join(";")}${query.length === 0 ? "" : `?${query.join("&")}`}`;
}

function attributes<Name extends string>(
  text: string,
  separator: string,
  known: readonly Name[],
  option: string,
): Map<Name, Buffer> {
  const values = new Map<Name, Buffer>();
  for (const part of text.split(separator)) {
    if (part === "") continue;
    const equals = part.indexOf("=");
    const name = (equals === -1 ? part : part.slice(0, equals)).toLowerCase();
    if (name.startsWith("x-")) continue;
    if (equals === -1 || !(known as readonly string[]).includes(name)) {
      // The name only: a value could be the PIN.
      throw invalidUri(option, `"${name.slice(0, 40)}" is not an attribute of a PKCS#11 URI; use ${known.join(", ")}.`);
    }
    if (values.has(name as Name)) throw invalidUri(option, `${name} is given twice.`);
    values.set(name as Name, decode(part.slice(equals + 1), name, option));
  }
  return values;
}

/** Percent-decoding to bytes: `id=%01%a2` is binary, and labels may be UTF-8. */
function decode(value: string, name: string, option: string): Buffer {
  const bytes: number[] = [];
  for (let index = 0; index < value.length; index++) {
    const char = value.charAt(index);
    if (char !== "%") {
      bytes.push(...Buffer.from(char, "utf8"));
      continue;
    }
    const hex = value.slice(index + 1, index + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw invalidUri(option, `the value of ${name} has a "%" not followed by two hex digits.`);
    bytes.push(Number.parseInt(hex, 16));
    index += 2;
  }
  return Buffer.from(bytes);
}

function encode(value: string): string {
  return value.replace(/[^A-Za-z0-9\-._~:@!$'()*+,/]/g, (char) =>
    [...Buffer.from(char, "utf8")].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`).join(""),
  );
}

function invalidUri(option: string, problem: string): RolesAnywhereOptionError {
  return new RolesAnywhereOptionError(
    "ROLES_ANYWHERE_PKCS11_INVALID_URI",
    option,
    `${option} is not a valid PKCS#11 URI (RFC 7512): ${problem} Example: pkcs11:token=MyToken;object=my-key;type=private.`,
  );
}

/**
 * A PKCS#11 URI as it may be shown (in `explain`, logs): parsed and printed again without `pin-value`. A URI that
 * does not parse is shown as `pkcs11:(malformed)`, since its text could hold the PIN anywhere.
 */
export function printablePkcs11Uri(uri: string): string {
  try {
    return formatPkcs11Uri(parsePkcs11Uri(uri, "uri"));
  } catch {
    return "pkcs11:(malformed)";
  }
}
