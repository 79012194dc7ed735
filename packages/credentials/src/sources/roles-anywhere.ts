// IAM Roles Anywhere in process: the AWS_ROLES_ANYWHERE_* variables (or the rolesAnywhere option), CreateSession
// signed by @workload-identity/roles-anywhere's source, loaded when first called.
import {
  describeError,
  ENV_RA_CERTIFICATE,
  ENV_RA_CERTIFICATE_CHAIN,
  ENV_RA_ENDPOINT,
  ENV_RA_PRIVATE_KEY,
  ENV_RA_PKCS11_PIN,
  ENV_RA_PRIVATE_KEY_PASSPHRASE_FILE,
  ENV_RA_PROFILE_ARN,
  ENV_RA_ROLE_ARN,
  ENV_RA_SESSION_DURATION,
  ENV_RA_TRUST_ANCHOR_ARN,
  type Environment,
  readEnv,
  readSecretFile,
} from "@workload-identity/core";
import {
  CERTIFICATE_EXPIRY_WARNING_MS,
  createRolesAnywhereSource,
  inspectCertificate,
  isPkcs11Uri,
  printablePkcs11Uri,
  type RolesAnywhereSourceInit,
} from "@workload-identity/roles-anywhere";
import { ROLES_ANYWHERE_OPTIONAL, ROLES_ANYWHERE_REQUIRED } from "../env.js";
import { HalfConfiguredError, InvalidEnvironmentValueError, PassphraseFileError } from "../errors.js";
import type { Explanation } from "../explanation.js";
import { lazyProvider } from "../lazy-provider.js";
import type { Detection, SourceModule } from "./source-module.js";

/** The source's options, plus the file its passphrase is read from (at the first call, not at detection). */
export type RolesAnywhereConfig = RolesAnywhereSourceInit & { readonly passphraseFile?: string };

function detectRolesAnywhere(env: Environment): Detection<RolesAnywhereConfig> {
  const present = [...ROLES_ANYWHERE_REQUIRED, ...ROLES_ANYWHERE_OPTIONAL].filter((name) => readEnv(name, env) !== undefined);
  if (present.length === 0) return { state: "unset" };
  const missing = ROLES_ANYWHERE_REQUIRED.filter((name) => readEnv(name, env) === undefined && !impliedByForm(name, env));
  if (missing.length > 0) return { state: "half", error: new HalfConfiguredError("roles-anywhere", present, missing) };
  const duration = readEnv(ENV_RA_SESSION_DURATION, env);
  if (duration !== undefined && !/^\d+$/.test(duration.trim())) {
    return {
      state: "half",
      error: new InvalidEnvironmentValueError(ENV_RA_SESSION_DURATION, `must be a whole number of seconds (900 to 43200), got "${duration}"`),
    };
  }
  const pkcs11Pin = readEnv(ENV_RA_PKCS11_PIN, env);
  const optional = {
    certificateChain: readEnv(ENV_RA_CERTIFICATE_CHAIN, env),
    durationSeconds: duration === undefined ? undefined : Number(duration.trim()),
    passphraseFile: readEnv(ENV_RA_PRIVATE_KEY_PASSPHRASE_FILE, env),
    endpoint: readEnv(ENV_RA_ENDPOINT, env),
    pkcs11: pkcs11Pin === undefined ? undefined : { pin: pkcs11Pin },
  };
  const required = (name: string) => readEnv(name, env) as string;
  return {
    state: "complete",
    config: {
      ...keyAndCertificate(env),
      trustAnchorArn: required(ENV_RA_TRUST_ANCHOR_ARN),
      profileArn: required(ENV_RA_PROFILE_ARN),
      roleArn: required(ENV_RA_ROLE_ARN),
      ...(Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)) as Partial<RolesAnywhereConfig>),
    },
    reason: "The AWS_ROLES_ANYWHERE_* variables are set: IAM Roles Anywhere CreateSession signed with the certificate.",
    variables: [...present, ...(optional.endpoint === undefined ? [] : [ENV_RA_ENDPOINT])],
  };
}

/**
 * As the CLI and AWS's helper: the key may be left out when the certificate variable names a file holding it too (a
 * combined PEM or a PKCS#12 bundle), the certificate when the key is a PKCS#11 URI (its token holds the certificate).
 */
function impliedByForm(name: string, env: Environment): boolean {
  if (name === ENV_RA_PRIVATE_KEY) return readEnv(ENV_RA_CERTIFICATE, env) !== undefined;
  if (name === ENV_RA_CERTIFICATE) return isPkcs11Uri(readEnv(ENV_RA_PRIVATE_KEY, env));
  return false;
}

function keyAndCertificate(env: Environment): { certificate?: string; privateKey?: string } {
  const certificate = readEnv(ENV_RA_CERTIFICATE, env);
  const privateKey = readEnv(ENV_RA_PRIVATE_KEY, env);
  return { ...(certificate === undefined ? {} : { certificate }), ...(privateKey === undefined ? {} : { privateKey }) };
}

/** The source's options with the passphrase read from its file, if one is named. */
async function withPassphrase(config: RolesAnywhereConfig): Promise<RolesAnywhereSourceInit> {
  const { passphraseFile, ...init } = config;
  if (passphraseFile === undefined) return init;
  try {
    return { ...init, passphrase: await readSecretFile(passphraseFile) };
  } catch (error) {
    throw new PassphraseFileError(passphraseFile, error);
  }
}

/** A path is shown; inline PEM or DER content is not; a PKCS#11 URI without its pin-value. */
export function printableMaterial(value: string | Uint8Array | undefined): string {
  if (value === undefined) return "(in the PKCS#11 token)";
  if (typeof value !== "string") return "(inline bytes)";
  if (isPkcs11Uri(value)) return printablePkcs11Uri(value);
  return value.includes("-----BEGIN") || value.includes("\n") ? "(inline PEM)" : value;
}

function arns(config: RolesAnywhereConfig): NonNullable<Explanation["rolesAnywhere"]> {
  return {
    certificate: printableMaterial(config.certificate),
    trustAnchorArn: config.trustAnchorArn,
    profileArn: config.profileArn,
    roleArn: config.roleArn,
    ...(config.durationSeconds === undefined ? {} : { sessionDurationSeconds: config.durationSeconds }),
  };
}

export const rolesAnywhereSource: SourceModule<RolesAnywhereConfig> = {
  detect: detectRolesAnywhere,

  create(config, { logger, proxy }) {
    const withLogger = (init: RolesAnywhereSourceInit) => {
      const withProxy = init.proxy !== undefined || proxy === undefined ? init : { ...init, proxy };
      return withProxy.logger !== undefined || logger === undefined ? withProxy : { ...withProxy, logger };
    };
    if (config.passphraseFile === undefined) return createRolesAnywhereSource(withLogger(config));
    // The passphrase file is read at the first call, like the certificate and key, not when the provider is made.
    return lazyProvider(async () => createRolesAnywhereSource(withLogger(await withPassphrase(config))));
  },

  async describe(config, { now, warnings }) {
    const section = arns(config);
    try {
      const init = await withPassphrase(config);
      if (init.certificate === undefined || isPkcs11Uri(init.certificate)) return { rolesAnywhere: section };
      const summary = await inspectCertificate({
        certificate: init.certificate,
        ...(init.privateKey === undefined ? {} : { privateKey: init.privateKey }),
        ...(init.passphrase === undefined ? {} : { passphrase: init.passphrase }),
      });
      const expired = summary.validTo.getTime() <= now();
      section.certificateSummary = {
        subject: summary.subject,
        issuer: summary.issuer,
        serialNumber: summary.serialNumber,
        validFrom: summary.validFrom.toISOString(),
        validTo: summary.validTo.toISOString(),
        expired,
        ...(summary.keyMatches === undefined ? {} : { keyMatches: summary.keyMatches }),
      };
      if (expired) warnings.push(`The Roles Anywhere certificate expired at ${summary.validTo.toISOString()}: renew it.`);
      else if (summary.validFrom.getTime() > now()) {
        warnings.push(`The Roles Anywhere certificate is not valid before ${summary.validFrom.toISOString()}: check the clock.`);
      } else if (summary.validTo.getTime() - now() < CERTIFICATE_EXPIRY_WARNING_MS) {
        warnings.push(`The Roles Anywhere certificate expires soon, at ${summary.validTo.toISOString()}.`);
      }
      if (summary.keyMatches === false) warnings.push("The Roles Anywhere private key does not match the certificate's public key.");
    } catch (error) {
      section.certificateError = describeError(error);
      warnings.push(`The Roles Anywhere certificate cannot be read: ${section.certificateError}`);
    }
    return { rolesAnywhere: section };
  },
};
