import { resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";

/** What both commands need to call CreateSession. Flag names follow AWS's `aws_signing_helper`. */
export interface SigningConfig {
  /** `--certificate`: absolute path of the leaf certificate (PEM or DER), of a PEM with its key, or of a PKCS#12 bundle. */
  readonly certificate: string;
  /** `--private-key`: absolute path of its private key; `undefined` when `--certificate` holds the key. */
  readonly privateKey: string | undefined;
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
  "with-proxy": { type: "boolean" },
  debug: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

const commandOptions = {
  "credential-process": { ...signingOptions, cache: { type: "boolean" } },
  serve: { ...signingOptions, port: { type: "string" }, "container-token-file": { type: "string" } },
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
  if (command !== "credential-process" && command !== "serve") {
    throw new UsageProblem(`Unknown command "${command}": use credential-process or serve.`);
  }
  let values: Record<string, string | boolean | undefined>;
  try {
    const options: ParseArgsConfig["options"] = commandOptions[command];
    values = parseArgs({ args: [...rest], options, strict: true, allowPositionals: false }).values as typeof values;
  } catch (error) {
    // node's messages name the flag ("Unknown option '--x'"); keep them, without the stack.
    throw new UsageProblem(`${command}: ${(error as Error).message}.`);
  }
  if (values.help === true) return { command: "help" };
  const signing = parseSigning(command, values, cwd);
  const debug = values.debug === true;
  if (command === "credential-process") return { command, signing, cache: values.cache === true, debug };
  const containerTokenFile = optionalString(values, "container-token-file");
  return {
    command,
    signing,
    port: parseInteger(values, "port", DEFAULT_PORT, 0, 65_535),
    containerTokenFile: containerTokenFile === undefined ? undefined : resolve(cwd, containerTokenFile),
    debug,
  };
}

function parseSigning(command: string, values: Record<string, string | boolean | undefined>, cwd: string): SigningConfig {
  // --private-key may be left out when --certificate holds the key (a combined PEM or a PKCS#12 bundle), as AWS's helper.
  const missing = ["certificate", "trust-anchor-arn", "profile-arn", "role-arn"].filter(
    (name) => optionalString(values, name) === undefined,
  );
  if (missing.length > 0) {
    throw new UsageProblem(`${command}: missing ${missing.map((name) => `--${name}`).join(", ")}.`);
  }
  const path = (name: string): string | undefined => {
    const value = optionalString(values, name);
    return value === undefined ? undefined : resolve(cwd, value);
  };
  return {
    certificate: path("certificate") as string,
    privateKey: path("private-key"),
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
