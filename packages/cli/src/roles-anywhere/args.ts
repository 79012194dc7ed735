import { resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";

/** What both commands need to call CreateSession. Flag names follow AWS's `aws_signing_helper`. */
export interface SigningConfig {
  /**
   * `--certificate`: absolute path of the leaf certificate (PEM or DER), of a PEM with its key, or of a PKCS#12 bundle;
   * or a PKCS#11 URI. `undefined` only with a PKCS#11 `--private-key`, whose token then holds the certificate.
   */
  readonly certificate: string | undefined;
  /**
   * `--private-key`: absolute path of its private key, or a PKCS#11 URI (kept as given); `undefined` when
   * `--certificate` holds the key.
   */
  readonly privateKey: string | undefined;
  /** The flags of a key in a PKCS#11 token. */
  readonly pkcs11: Pkcs11Flags;
  /** `--intermediates`: absolute path of the intermediate certificates bundle. */
  readonly intermediates: string | undefined;
  /** `--private-key-passphrase-file`: absolute path of a file holding the key's passphrase. */
  readonly passphraseFile: string | undefined;
  readonly trustAnchorArn: string;
  readonly profileArn: string;
  readonly roleArn: string;
  /** `--region`; the library defaults it to the trust anchor's region. */
  readonly region: string | undefined;
  /**
   * `--session-duration`, in seconds; `undefined` leaves it to the library's default (3600). The default is not
   * copied here: that would load the library's option checks, and the SDK packages behind their errors, into every
   * start of the CLI.
   */
  readonly sessionDurationSeconds: number | undefined;
  readonly endpoint: string | undefined;
  readonly roleSessionName: string | undefined;
  /** `--timeout-ms`: how long one CreateSession may take; `undefined` leaves the library's default (10000). */
  readonly timeoutMs: number | undefined;
  /** `--with-proxy`: CreateSession through `HTTPS_PROXY` / `HTTP_PROXY`, minus `NO_PROXY` (the library's `proxy: "env"`). */
  readonly withProxy?: boolean;
}

/** `--pkcs11-lib`, `--pkcs11-pin-file` and `--reuse-pin` (AWS's helper has the first and the last). */
export interface Pkcs11Flags {
  /** Absolute path of the PKCS#11 module. */
  readonly lib: string | undefined;
  /** Absolute path of a file holding the token's user PIN. */
  readonly pinFile: string | undefined;
  readonly reusePin: boolean;
}

/** A parsed command line. */
export type CliCommand =
  | {
      readonly command: "credential-process";
      readonly signing: SigningConfig;
      /** `--cache`: keep the credentials in a 0600 file until their refresh window. */
      readonly cache: boolean;
      readonly debug: boolean;
    }
  | {
      readonly command: "serve";
      readonly signing: SigningConfig;
      /** `--port` on 127.0.0.1. @defaultValue 9911 */
      readonly port: number;
      /** `--container-token-file`: enables the container-credentials route. */
      readonly containerTokenFile: string | undefined;
      readonly debug: boolean;
    }
  | {
      readonly command: "update";
      readonly signing: SigningConfig;
      /** `--profile`: the profile of the shared credentials file to keep fresh. @defaultValue "default" */
      readonly profile: string;
      /** `--once`: write once and exit. */
      readonly once: boolean;
      readonly debug: boolean;
    }
  | {
      readonly command: "read-certificate-data";
      /** `--certificate`: absolute path of the certificate (PEM or DER). */
      readonly certificate: string;
      readonly debug: boolean;
    }
  | { readonly command: "help" }
  | { readonly command: "version" }
  | {
      /** The command line is wrong: `message` names the flag and what it expects (reported as `CLI_USAGE`). */
      readonly command: "usage-error";
      readonly message: string;
    };

/** The port AWS's helper listens on by default. */
export const DEFAULT_PORT = 9911;

const signingOptions = {
  certificate: { type: "string" },
  "private-key": { type: "string" },
  intermediates: { type: "string" },
  "private-key-passphrase-file": { type: "string" },
  "trust-anchor-arn": { type: "string" },
  "profile-arn": { type: "string" },
  "role-arn": { type: "string" },
  region: { type: "string" },
  "session-duration": { type: "string" },
  endpoint: { type: "string" },
  "role-session-name": { type: "string" },
  "timeout-ms": { type: "string" },
  "pkcs11-lib": { type: "string" },
  "pkcs11-pin-file": { type: "string" },
  "reuse-pin": { type: "boolean" },
  "with-proxy": { type: "boolean" },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

const commandOptions = {
  "credential-process": { ...signingOptions, cache: { type: "boolean" } },
  serve: { ...signingOptions, port: { type: "string" }, "container-token-file": { type: "string" } },
  update: { ...signingOptions, profile: { type: "string" }, once: { type: "boolean" } },
  "read-certificate-data": { certificate: { type: "string" }, debug: { type: "boolean" }, help: { type: "boolean", short: "h" } },
} as const satisfies Record<string, ParseArgsConfig["options"]>;

/**
 * Parses `roles-anywhere <command> [flags]`. A wrong command line is a `usage-error` naming the flag at fault, not an
 * exception: the error classes load the SDK packages, which a cached `credential-process` never needs. Values are only
 * checked for shape here (the library validates ARNs, durations and files when it is called).
 */
export function parseCli(argv: readonly string[], cwd: string = process.cwd()): CliCommand {
  try {
    return parseOrThrow(argv, cwd);
  } catch (error) {
    if (error instanceof UsageProblem) return { command: "usage-error", message: error.message };
    throw error;
  }
}

/** A wrong command line, inside this module only. */
class UsageProblem extends Error {}

function parseOrThrow(argv: readonly string[], cwd: string): CliCommand {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") return { command: "help" };
  if (command === "version" || command === "--version") return { command: "version" };
  if (!Object.hasOwn(commandOptions, command)) {
    throw new UsageProblem(`Unknown command "${command}": use credential-process, serve, update or read-certificate-data.`);
  }
  const known = command as keyof typeof commandOptions;
  let values: Record<string, string | boolean | undefined>;
  try {
    const options: ParseArgsConfig["options"] = commandOptions[known];
    values = parseArgs({ args: [...rest], options, strict: true, allowPositionals: false }).values as typeof values;
  } catch (error) {
    // node's messages name the flag ("Unknown option '--x'"); keep them, without the stack.
    throw new UsageProblem(`${command}: ${(error as Error).message}.`);
  }
  if (values.help === true) return { command: "help" };
  const debug = values.debug === true;
  if (known === "read-certificate-data") return { command: known, certificate: requiredPath(known, values, cwd), debug };
  const signing = parseSigning(command, values, cwd);
  if (known === "credential-process") return { command: known, signing, cache: values.cache === true, debug };
  if (known === "update") return { command: known, signing, profile: parseProfileName(values), once: values.once === true, debug };
  const containerTokenFile = optionalString(values, "container-token-file");
  return {
    command: known,
    signing,
    port: parseInteger(values, "port", DEFAULT_PORT, 0, 65_535),
    containerTokenFile: containerTokenFile === undefined ? undefined : resolve(cwd, containerTokenFile),
    debug,
  };
}

function parseSigning(command: string, values: Record<string, string | boolean | undefined>, cwd: string): SigningConfig {
  // --private-key may be left out when --certificate holds the key (a combined PEM or a PKCS#12 bundle), as AWS's
  // helper; a key in a token may leave the certificate to the token.
  const inToken = isPkcs11Uri(optionalString(values, "private-key"));
  const required = ["certificate", "trust-anchor-arn", "profile-arn", "role-arn"];
  const missing = required.filter((name) => optionalString(values, name) === undefined && !(inToken && name === "certificate"));
  if (missing.length > 0) {
    throw new UsageProblem(`${command}: missing ${missing.map((name) => `--${name}`).join(", ")}.`);
  }
  const path = (name: string): string | undefined => {
    const value = optionalString(values, name);
    return value === undefined || isPkcs11Uri(value) ? value : resolve(cwd, value);
  };
  return {
    certificate: path("certificate"),
    privateKey: path("private-key"),
    pkcs11: { lib: path("pkcs11-lib"), pinFile: path("pkcs11-pin-file"), reusePin: values["reuse-pin"] === true },
    intermediates: path("intermediates"),
    passphraseFile: path("private-key-passphrase-file"),
    trustAnchorArn: optionalString(values, "trust-anchor-arn") as string,
    profileArn: optionalString(values, "profile-arn") as string,
    roleArn: optionalString(values, "role-arn") as string,
    region: optionalString(values, "region"),
    sessionDurationSeconds: parseOptionalInteger(values, "session-duration", 1, Infinity),
    endpoint: optionalString(values, "endpoint"),
    roleSessionName: optionalString(values, "role-session-name"),
    // At most what a timer can wait (2^31 - 1 ms, about 24 days).
    timeoutMs: parseOptionalInteger(values, "timeout-ms", 1, 2_147_483_647),
    ...(values["with-proxy"] === true ? { withProxy: true } : {}),
  };
}

function requiredPath(command: string, values: Record<string, string | boolean | undefined>, cwd: string): string {
  const value = optionalString(values, "certificate");
  if (value === undefined) throw new UsageProblem(`${command}: missing --certificate.`);
  // Not echoed: a PKCS#11 URI may carry its PIN (pin-value).
  if (isPkcs11Uri(value)) throw new UsageProblem(`${command}: --certificate must be a file; a certificate in a PKCS#11 token is not read here.`);
  return resolve(cwd, value);
}

/** `--profile`: a section name of the credentials file, which cannot hold brackets or line breaks. */
function parseProfileName(values: Record<string, string | boolean | undefined>): string {
  const name = optionalString(values, "profile") ?? "default";
  if (!/^[^[\]\r\n]+$/.test(name) || name.trim() !== name) {
    throw new UsageProblem(`--profile must be a profile name without brackets, line breaks or surrounding spaces; got ${JSON.stringify(name)}.`);
  }
  return name;
}

/** The library's test for a PKCS#11 URI, here so that parsing the command line does not load the library. */
export function isPkcs11Uri(value: string | undefined): boolean {
  return value !== undefined && /^pkcs11:/i.test(value.trim());
}

function optionalString(values: Record<string, string | boolean | undefined>, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function parseInteger(
  values: Record<string, string | boolean | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  return parseOptionalInteger(values, name, min, max) ?? fallback;
}

function parseOptionalInteger(
  values: Record<string, string | boolean | undefined>,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const raw = optionalString(values, name);
  if (raw === undefined) return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `${min} or more` : `${min}–${max}`;
    throw new UsageProblem(`--${name} must be an integer, ${range}; got "${raw}".`);
  }
  return value;
}
