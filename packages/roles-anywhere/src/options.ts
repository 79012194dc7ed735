import type { Logger } from "@aws-sdk/types";
import type { RefreshOptions } from "@workload-identity/refresh";
import {
  ENV_RA_ENDPOINT,
  isSessionDuration,
  MAX_SESSION_DURATION_SECONDS,
  MIN_SESSION_DURATION_SECONDS,
  type ProxySetting,
  proxySettingProblem,
  SESSION_NAME_PATTERN,
  registerSecret,
  SESSION_NAME_RULE,
} from "@workload-identity/core";
import { isRegion, type ParsedArn, parseProfileArn, parseRoleArn, parseTrustAnchorArn } from "./arn.js";
import { checkEndpoint, partitionOf, regionalEndpoint, resolveRolesAnywhereEndpoint } from "./endpoint.js";
import { RolesAnywhereOptionError } from "./errors.js";
import { isPkcs11Uri, parsePkcs11Uri } from "./pkcs11-uri.js";

/** Where a certificate, chain or key comes from: a file path, or the PEM/DER content itself. */
export type MaterialInput = string | Uint8Array;

/** Options for a private key in a PKCS#11 token. */
export interface RolesAnywherePkcs11Options {
  /**
   * The PKCS#11 module (shared library) of the token. The URI's `module-path` beats it.
   * @defaultValue `p11-kit-proxy.so` (p11-kit's proxy, which offers every token p11-kit knows), as AWS's helper
   */
  modulePath?: string;
  /**
   * The token's user PIN. The URI's `pin-value` or `pin-source` beat it. Never logged or shown in errors; a PIN in
   * a command line shows in `ps`, so applications read it from a file or the environment.
   */
  pin?: string;
  /**
   * For a key with CKA_ALWAYS_AUTHENTICATE, log in again with the user PIN (CKU_CONTEXT_SPECIFIC) before each
   * signature, as AWS's helper's `--reuse-pin`. Without it such a key is refused: nothing can prompt for a PIN here.
   * @defaultValue false
   */
  reusePin?: boolean;
}

/** Options of {@link fromRolesAnywhere}. */
export interface FromRolesAnywhereInit {
  /**
   * The X.509 end-entity certificate: a file path, or PEM text, or PEM/DER bytes. When the file holds several
   * certificates (as cert-manager's `tls.crt` does), the first is the leaf and the others are sent as the chain unless
   * `certificateChain` is given. Also a PEM holding the certificate and its key (then `privateKey` may be left out),
   * or a PKCS#12 bundle (`.p12`/`.pfx`, DER) holding the key and chain (then `privateKey` and `certificateChain` are
   * left out; its password is `passphrase`), or a PKCS#11 URI (`pkcs11:…;type=cert`) of a certificate in a token.
   * May be left out when `privateKey` is a PKCS#11 URI: the token's certificate with the key's CKA_ID (else its
   * label) is used. Re-read at every refresh.
   */
  certificate?: MaterialInput;
  /**
   * The certificate's private key (RSA, or EC on P-256/P-384): a file path, or PEM text, or PEM/DER bytes. PKCS#8,
   * PKCS#1, SEC1, and encrypted PKCS#8 with `passphrase`. Re-read at every refresh. Or an RFC 7512 PKCS#11 URI of a
   * key that never leaves its token (HSM, TPM, smart card), e.g. `pkcs11:token=Workload;object=ra-key;type=private`,
   * with the optional peer dependency `pkcs11js` installed; see `pkcs11`.
   * @defaultValue the key in `certificate` (a combined PEM or a PKCS#12 bundle)
   */
  privateKey?: MaterialInput;
  /** How to reach a key (and certificate) given as a PKCS#11 URI. Ignored for keys in files. */
  pkcs11?: RolesAnywherePkcs11Options;
  /** Intermediate CA certificates to send in `X-Amz-X509-Chain`: a file path or PEM/DER content. Re-read at every refresh. */
  certificateChain?: MaterialInput;
  /** The passphrase of an encrypted private key, or the password of a PKCS#12 bundle. Never logged or shown in errors. */
  passphrase?: string;
  /** `arn:aws:rolesanywhere:REGION:ACCOUNT:trust-anchor/ID` */
  trustAnchorArn: string;
  /** `arn:aws:rolesanywhere:REGION:ACCOUNT:profile/ID`, in the trust anchor's region. */
  profileArn: string;
  /** `arn:aws:iam::ACCOUNT:role/NAME`, one of the profile's roles. */
  roleArn: string;
  /**
   * The region of the Roles Anywhere endpoint and of the signature scope.
   * @defaultValue the trust anchor ARN's region
   */
  region?: string;
  /**
   * Lifetime of the session, 900–43200 seconds (and at most the profile's `durationSeconds`).
   * @defaultValue 3600
   */
  durationSeconds?: number;
  /** A role session name (2–64 characters of `[\w+=,.@-]`); the profile must accept custom names. */
  roleSessionName?: string;
  /**
   * The Roles Anywhere endpoint, e.g. a VPC endpoint or an emulator, as `https://host[:port]`. Used as given: the FIPS
   * and dual-stack settings only choose the default endpoint.
   * @defaultValue `AWS_ENDPOINT_URL_ROLESANYWHERE`, else `AWS_ENDPOINT_URL`, else `https://rolesanywhere.REGION.<suffix>`
   *   with the DNS suffix of the region's partition (`amazonaws.com`, `amazonaws.com.cn`, `c2s.ic.gov`, …)
   */
  endpoint?: string;
  /**
   * Send CreateSession to the FIPS endpoint, `https://rolesanywhere-fips.REGION.<suffix>`. The SDK config's name.
   * @defaultValue `AWS_USE_FIPS_ENDPOINT` (`true`/`false`, read at call time), else false
   */
  useFipsEndpoint?: boolean;
  /**
   * Send CreateSession to the dual-stack (IPv4 and IPv6) endpoint, `https://rolesanywhere.REGION.<dual-stack suffix>`
   * (`api.aws` in the aws partition). The SDK config's name.
   * @defaultValue `AWS_USE_DUALSTACK_ENDPOINT` (`true`/`false`, read at call time), else false
   */
  useDualstackEndpoint?: boolean;
  /**
   * How long one CreateSession call may take in all (connect, send, answer), in milliseconds. Above 25 s, the cache's
   * refresh deadline (`refresh.refreshTimeoutMs`, unless given) becomes this plus 5 s, so it never cuts the call short.
   * @defaultValue 10000
   */
  timeoutMs?: number;
  /**
   * How long opening the connection to the endpoint may take, in milliseconds (with the default `fetch` only).
   * @defaultValue 3000
   */
  connectTimeoutMs?: number;
  /**
   * Send CreateSession through an HTTP proxy (as AWS's helper does with `--with-proxy`): `"env"` reads `HTTPS_PROXY`,
   * `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (either case) at each call; a URL such as `http://user:pass@proxy:3128`
   * is used for every call. The proxy is reached within `connectTimeoutMs`, the whole call within `timeoutMs`; its
   * password is never printed. Not used with a `fetch` of your own.
   * @defaultValue no proxy, whatever the environment says
   */
  proxy?: ProxySetting;
  /** Cache and refresh behaviour, passed to `withRefresh`. */
  refresh?: RefreshOptions;
  /** Receives one line per refresh and failure; never a key, passphrase or credential. */
  logger?: Logger;
  /**
   * The clock, for the certificate validity checks and `X-Amz-Date`. Also drives `refresh` unless `refresh.now` is set.
   * @defaultValue () => new Date()
   */
  now?: () => Date;
  /**
   * The `fetch` used for CreateSession; `connectTimeoutMs` does not apply to one given here, `timeoutMs` does.
   * @defaultValue undici's fetch on an agent with `connectTimeoutMs`
   */
  fetch?: typeof fetch;
}

/** {@link FromRolesAnywhereInit} checked, with defaults applied (the endpoint is resolved at call time). */
export interface ResolvedRolesAnywhereOptions {
  /** `undefined` only with a PKCS#11 `privateKey`: the certificate is then read from the token. */
  readonly certificate: MaterialInput | undefined;
  /** `undefined` when `certificate` holds the key (a combined PEM or a PKCS#12 bundle). */
  readonly privateKey: MaterialInput | undefined;
  readonly certificateChain: MaterialInput | undefined;
  readonly passphrase: string | undefined;
  readonly pkcs11: RolesAnywherePkcs11Options;
  readonly trustAnchorArn: string;
  readonly profileArn: string;
  readonly roleArn: string;
  readonly region: string;
  /** The account id of the role, returned with the credentials. */
  readonly accountId: string;
  /** The DNS suffix of the region's partition (from the AWS SDK's partition table), for the default endpoint. */
  readonly dnsSuffix: string;
  readonly durationSeconds: number;
  readonly roleSessionName: string | undefined;
  readonly endpoint: string | undefined;
  /** `undefined`: `AWS_USE_FIPS_ENDPOINT` decides at call time. */
  readonly useFipsEndpoint: boolean | undefined;
  /** `undefined`: `AWS_USE_DUALSTACK_ENDPOINT` decides at call time. */
  readonly useDualstackEndpoint: boolean | undefined;
  readonly timeoutMs: number;
  /** How long opening a connection may take (the default `fetch` only). */
  readonly connectTimeoutMs: number;
  readonly proxy: ProxySetting | undefined;
  readonly logger: Logger | undefined;
  readonly now: () => Date;
  readonly fetch: typeof fetch | undefined;
}

/** The environment variable that overrides the Roles Anywhere endpoint, as in every AWS SDK. Read at call time. */
export const ENV_ENDPOINT_URL = ENV_RA_ENDPOINT;
/** The least `durationSeconds` CreateSession accepts: 15 minutes. */
export const MIN_DURATION_SECONDS = MIN_SESSION_DURATION_SECONDS;
/** The most `durationSeconds` CreateSession accepts: 12 hours. */
export const MAX_DURATION_SECONDS = MAX_SESSION_DURATION_SECONDS;
/** The session duration requested when none is given (as AWS's signing helper does). */
export const DEFAULT_DURATION_SECONDS = 3600;
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;

/**
 * Checks every option of {@link fromRolesAnywhere} without any I/O and applies the defaults. A CLI can call it on its
 * parsed flags to report a bad flag with the same typed error.
 * @throws RolesAnywhereOptionError with code `ROLES_ANYWHERE_INVALID_OPTION`, `ROLES_ANYWHERE_INVALID_ARN`,
 *   `ROLES_ANYWHERE_REGION_MISMATCH`, `ROLES_ANYWHERE_INVALID_DURATION` or `ROLES_ANYWHERE_ENDPOINT_UNSUPPORTED`
 */
export function validateRolesAnywhereOptions(init: FromRolesAnywhereInit): ResolvedRolesAnywhereOptions {
  if (init === null || typeof init !== "object") {
    throw new RolesAnywhereOptionError(
      "ROLES_ANYWHERE_INVALID_OPTION",
      "init",
      "fromRolesAnywhere needs an options object with certificate, trustAnchorArn, profileArn and roleArn (and privateKey unless certificate holds the key).",
    );
  }
  checkMaterial(init);
  const { trustAnchor, role } = checkArns(init);
  const durationSeconds = checkSession(init, trustAnchor.region);
  const region = init.region ?? trustAnchor.region;
  const dnsSuffix = checkPartition(init, region, trustAnchor.partition);
  const { timeoutMs, connectTimeoutMs } = checkTransport(init);
  checkHooks(init);
  return {
    certificate: init.certificate,
    privateKey: init.privateKey,
    certificateChain: init.certificateChain,
    passphrase: init.passphrase,
    pkcs11: init.pkcs11 ?? {},
    trustAnchorArn: init.trustAnchorArn,
    profileArn: init.profileArn,
    roleArn: init.roleArn,
    region,
    accountId: role.accountId,
    dnsSuffix,
    durationSeconds,
    roleSessionName: init.roleSessionName,
    endpoint: init.endpoint,
    useFipsEndpoint: init.useFipsEndpoint,
    useDualstackEndpoint: init.useDualstackEndpoint,
    timeoutMs,
    connectTimeoutMs,
    proxy: init.proxy,
    logger: init.logger,
    now: init.now ?? (() => new Date()),
    fetch: init.fetch,
  };
}

function checkMaterial(init: FromRolesAnywhereInit): void {
  const inToken = isPkcs11Uri(init.privateKey);
  requireMaterial("certificate", init.certificate, !inToken);
  requireMaterial("privateKey", init.privateKey, false);
  if (inToken) parsePkcs11Uri(init.privateKey as string, "privateKey");
  if (isPkcs11Uri(init.certificate)) {
    if (!inToken) throw optionError("certificate", "certificate is a PKCS#11 URI: privateKey must then be one too, in the same token.");
    parsePkcs11Uri(init.certificate as string, "certificate");
  }
  checkPkcs11(init.pkcs11);
  requireMaterial("certificateChain", init.certificateChain, false);
  if (init.passphrase !== undefined && typeof init.passphrase !== "string") {
    throw optionError("passphrase", "passphrase must be a string.");
  }
}

function checkPkcs11(pkcs11: RolesAnywherePkcs11Options | undefined): void {
  if (pkcs11 === undefined) return;
  if (pkcs11 === null || typeof pkcs11 !== "object") throw optionError("pkcs11", "pkcs11 must be an object.");
  if (pkcs11.modulePath !== undefined && (typeof pkcs11.modulePath !== "string" || pkcs11.modulePath === "")) {
    throw optionError("pkcs11.modulePath", "pkcs11.modulePath must be the path of a PKCS#11 module (a shared library).");
  }
  if (pkcs11.pin !== undefined && (typeof pkcs11.pin !== "string" || pkcs11.pin === "")) {
    throw optionError("pkcs11.pin", "pkcs11.pin must be a non-empty string.");
  }
  registerSecret(pkcs11.pin);
  if (pkcs11.reusePin !== undefined && typeof pkcs11.reusePin !== "boolean") {
    throw optionError("pkcs11.reusePin", "pkcs11.reusePin must be true or false.");
  }
}

/** The three ARNs parse, and agree on region (anchor and profile) and partition (all three). */
function checkArns(init: FromRolesAnywhereInit): { trustAnchor: ParsedArn; role: ParsedArn } {
  const trustAnchor = parseTrustAnchorArn(init.trustAnchorArn);
  const profile = parseProfileArn(init.profileArn);
  const role = parseRoleArn(init.roleArn);
  if (trustAnchor.region !== profile.region) {
    throw new RolesAnywhereOptionError(
      "ROLES_ANYWHERE_REGION_MISMATCH",
      "profileArn",
      `The trust anchor is in ${trustAnchor.region} but the profile is in ${profile.region}: ` +
        "use a trust anchor and a profile of the same region.",
    );
  }
  if (trustAnchor.partition !== profile.partition || trustAnchor.partition !== role.partition) {
    throw new RolesAnywhereOptionError(
      "ROLES_ANYWHERE_INVALID_ARN",
      "roleArn",
      `The trust anchor, profile and role ARNs must be in one partition; got ${trustAnchor.partition}, ` +
        `${profile.partition} and ${role.partition}.`,
    );
  }
  return { trustAnchor, role };
}

/** Region, duration and session name; returns the duration with its default. */
function checkSession(init: FromRolesAnywhereInit, anchorRegion: string): number {
  if (init.region !== undefined && (typeof init.region !== "string" || !isRegion(init.region))) {
    throw optionError("region", `region must be an AWS region name such as ${anchorRegion}; got ${quote(init.region)}.`);
  }
  const durationSeconds = init.durationSeconds ?? DEFAULT_DURATION_SECONDS;
  if (!isSessionDuration(durationSeconds)) {
    throw new RolesAnywhereOptionError(
      "ROLES_ANYWHERE_INVALID_DURATION",
      "durationSeconds",
      `durationSeconds must be a whole number of seconds from ${MIN_DURATION_SECONDS} to ${MAX_DURATION_SECONDS}; ` +
        `got ${quote(durationSeconds)}.`,
    );
  }
  const name = init.roleSessionName;
  if (name !== undefined && (typeof name !== "string" || !SESSION_NAME_PATTERN.test(name))) {
    throw optionError("roleSessionName", `roleSessionName must be ${SESSION_NAME_RULE}; got ${quote(name)}.`);
  }
  return durationSeconds;
}

/**
 * The region's partition (from the SDK's table) is the ARNs' one, and has the endpoint variants the options ask for;
 * returns its DNS suffix. The variables are checked at call time, when they are read.
 */
function checkPartition(init: FromRolesAnywhereInit, region: string, arnPartition: string): string {
  const facts = partitionOf(region);
  if (facts.name !== arnPartition) {
    throw new RolesAnywhereOptionError(
      "ROLES_ANYWHERE_REGION_MISMATCH",
      "region",
      `The region ${region} is in the ${facts.name} partition but the ARNs are in ${arnPartition}: ` +
        "use a region of the ARNs' partition.",
    );
  }
  for (const name of ["useFipsEndpoint", "useDualstackEndpoint"] as const) {
    if (init[name] !== undefined && typeof init[name] !== "boolean") throw optionError(name, `${name} must be true or false.`);
  }
  if (init.endpoint === undefined && (init.useFipsEndpoint === true || init.useDualstackEndpoint === true)) {
    regionalEndpoint(region, facts, { fips: init.useFipsEndpoint === true, dualStack: init.useDualstackEndpoint === true });
  }
  return facts.dnsSuffix;
}

/** The endpoint and the deadlines; returns the deadlines with their defaults. */
function checkTransport(init: FromRolesAnywhereInit): { timeoutMs: number; connectTimeoutMs: number } {
  if (init.endpoint !== undefined) checkEndpoint(init.endpoint, "endpoint");
  const proxyProblem = init.proxy === undefined ? undefined : proxySettingProblem(init.proxy, "proxy");
  if (proxyProblem !== undefined) throw optionError("proxy", proxyProblem);
  const timeoutMs = init.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const connectTimeoutMs = init.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  for (const [name, value] of [
    ["timeoutMs", timeoutMs],
    ["connectTimeoutMs", connectTimeoutMs],
  ] as const) {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
      throw optionError(name, `${name} must be a positive number of milliseconds; got ${quote(value)}.`);
    }
  }
  return { timeoutMs, connectTimeoutMs };
}

/** The functions and objects a caller may inject. */
function checkHooks(init: FromRolesAnywhereInit): void {
  for (const name of ["now", "fetch"] as const) {
    if (init[name] !== undefined && typeof init[name] !== "function") throw optionError(name, `${name} must be a function.`);
  }
  if (init.logger !== undefined && (init.logger === null || typeof init.logger !== "object")) {
    throw optionError("logger", "logger must be an object with debug, info, warn and error methods.");
  }
  if (init.refresh !== undefined && (init.refresh === null || typeof init.refresh !== "object")) {
    throw optionError("refresh", "refresh must be an object of withRefresh options.");
  }
}

/**
 * The CreateSession URL: `<endpoint>/sessions`, the endpoint resolved by {@link resolveRolesAnywhereEndpoint} (its
 * variables read now). `dnsSuffix` is accepted for compatibility and not used: the suffix is always the region's
 * partition's, from the SDK's table.
 * @throws RolesAnywhereOptionError when the endpoint is not an http(s) URL, a flag variable is not `true`/`false`, or
 *   the partition lacks the FIPS or dual-stack endpoint asked for
 */
export function resolveSessionsUrl(
  options: Pick<ResolvedRolesAnywhereOptions, "endpoint" | "region"> &
    Partial<Pick<ResolvedRolesAnywhereOptions, "dnsSuffix" | "useFipsEndpoint" | "useDualstackEndpoint">>,
): URL {
  const url = new URL(resolveRolesAnywhereEndpoint(options).url);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/sessions`;
  url.search = "";
  return url;
}

function requireMaterial(option: string, value: unknown, required: boolean): void {
  if (value === undefined && !required) return;
  const ok = (typeof value === "string" && value.trim() !== "") || (value instanceof Uint8Array && value.byteLength > 0);
  if (!ok) {
    throw optionError(
      option,
      required
        ? `${option} is required: a file path, or the PEM or DER content.`
        : `${option} must be a file path, or the PEM or DER content.`,
    );
  }
}

function optionError(option: string, message: string): RolesAnywhereOptionError {
  return new RolesAnywhereOptionError("ROLES_ANYWHERE_INVALID_OPTION", option, message);
}

function quote(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value.slice(0, 200)) : String(value);
}
