import { access, readFile } from "node:fs/promises";
import type { FromRolesAnywhereInit } from "@workload-identity/roles-anywhere";
import {
  ENV_RA_CERTIFICATE,
  ENV_RA_CERTIFICATE_CHAIN,
  ENV_RA_PRIVATE_KEY,
  ENV_ROLE_ARN,
  ENV_ROLE_SESSION_NAME,
  ENV_WEB_IDENTITY_TOKEN_FILE,
  type Environment,
  PRINTABLE_VARIABLES,
} from "./env.js";
import { describeCause, errorMessage } from "./errors.js";
import { type FromEnvironmentAwareInit, prepareSource, rolesAnywhereInit } from "./from-environment-aware.js";
import { redactValue } from "@workload-identity/core";
import { displayPath, PATH_VARIABLES, registerEnvironmentSecrets } from "./redact.js";
import type { CredentialSourceName, SourceDecision } from "./select-source.js";

/** Options of {@link explain}: those of `fromEnvironmentAware`, plus whether to resolve credentials. */
export interface ExplainInit extends FromEnvironmentAwareInit {
  /**
   * Resolve credentials through the shared provider (the one the application's clients use, so no extra source
   * call if they already have credentials), to report which SDK chain link answered and the expiration.
   * @defaultValue true
   */
  resolve?: boolean;
  /** The clock for "expired" flags, in milliseconds since the epoch. @defaultValue Date.now */
  now?: () => number;
}

/** A variable that decided the choice. Secret or inline values are shown as `(set)` or `(inline PEM)`. */
export interface ExplainedVariable {
  readonly name: string;
  readonly value: string;
}

/** What `explain` reports: which source, why, and what it saw. Never a token, key, secret or passphrase. */
export interface Explanation {
  /** The source chosen; `none` when nothing is configured and `fallback: false`. */
  source: CredentialSourceName | "none";
  /** A human sentence: why this source. */
  reason: string;
  /** The variables that decided it. */
  variables: ExplainedVariable[];
  /** Sources configured too that lose to this one. */
  ignored: CredentialSourceName[];
  /** Things worth a look (expired token or certificate, key mismatch, ignored half configurations). */
  warnings: string[];
  /** Set when the configuration is unusable or resolving failed: the stable code and the message. */
  error?: { code: string; message: string; missing?: string[] };
  /** Web identity (IRSA): the token file and its claims, decoded without verification. */
  webIdentity?: {
    tokenFile?: string;
    roleArn?: string;
    roleSessionName?: string;
    token?: {
      issuer?: string;
      subject?: string;
      audience: string[];
      expiresAt?: string;
      issuedAt?: string;
      expired?: boolean;
    };
    tokenError?: string;
  };
  /** EKS Pod Identity: where credentials come from and whether the token file is readable. */
  podIdentity?: { endpoint: string; authorizationTokenFile: string; tokenFileReadable: boolean };
  /** IAM Roles Anywhere: the ARNs and the certificate's public details. */
  rolesAnywhere?: {
    certificate: string;
    trustAnchorArn: string;
    profileArn: string;
    roleArn: string;
    sessionDurationSeconds?: number;
    certificateSummary?: {
      subject: string;
      issuer: string;
      serialNumber: string;
      validFrom: string;
      validTo: string;
      expired: boolean;
      keyMatches?: boolean;
    };
    certificateError?: string;
  };
  /** The SDK chain fallback: the profile and which link answered (after a resolve). */
  sdkChain?: { profile?: string; link?: string };
  /** After a resolve: the expiration of the current credentials (`null`: they do not expire). */
  credentials?: { expiration: string | null };
}

/**
 * Explains which credential source `fromEnvironmentAware(init)` uses here, why, and what it sees — without secrets.
 * Never throws for a bad configuration: it reports it in `error`.
 *
 * @param init - the same options as `fromEnvironmentAware`, plus `resolve`
 * @returns a plain, JSON-serializable object; `formatExplanation` renders it for humans
 */
export async function explain(init: ExplainInit = {}): Promise<Explanation> {
  const { resolve = true, now = Date.now, ...providerInit } = init;
  const env: Environment = process.env;
  const { privateKey, passphrase } = providerInit.rolesAnywhere ?? {};
  const inlineKey = typeof privateKey === "string" && displayPath(privateKey) !== privateKey ? privateKey : undefined;
  registerEnvironmentSecrets(env, [inlineKey, passphrase]);
  return redactValue(await explainUnredacted(providerInit, env, resolve, now));
}

async function explainUnredacted(
  providerInit: FromEnvironmentAwareInit,
  env: Environment,
  resolve: boolean,
  now: () => number,
): Promise<Explanation> {
  const prepared = prepareSource(providerInit, env);
  if (prepared.entry === undefined) {
    const error = prepared.error as Error & { code?: string; missing?: readonly string[]; source?: string; variable?: string };
    const names = [...((error as { present?: readonly string[] }).present ?? []), ...(error.variable === undefined ? [] : [error.variable])];
    return {
      source: (error.source as CredentialSourceName | undefined) ?? sourceOfVariable(error.variable),
      reason: "The configuration is incomplete: see error.",
      variables: names.map((name) => variable(name, env)),
      ignored: [],
      warnings: [],
      error: {
        code: error.code ?? error.name,
        message: error.message,
        ...(error.missing === undefined ? {} : { missing: [...error.missing] }),
      },
    };
  }
  const { decision, state } = prepared.entry;
  const explanation: Explanation = {
    source: decision.source,
    reason: decision.reason,
    variables: decision.variables.map((name) => variable(name, env)),
    ignored: [...decision.ignored],
    warnings: [...decision.warnings],
  };
  await describeSource(explanation, decision, providerInit, env, now);
  if (resolve && decision.source !== "none") {
    try {
      const credentials = await prepared.provider();
      explanation.credentials = { expiration: credentials.expiration?.toISOString() ?? null };
      if (decision.source === "sdk-chain" && state.link !== undefined) {
        explanation.sdkChain = { ...explanation.sdkChain, link: state.link };
      }
    } catch (error) {
      explanation.error = {
        code: (error as { code?: unknown }).code?.toString() ?? (error as Error).name,
        message: errorMessage(error),
      };
    }
  } else if (state.expiration !== undefined) {
    explanation.credentials = { expiration: state.expiration?.toISOString() ?? null };
  }
  return explanation;
}

async function describeSource(
  explanation: Explanation,
  decision: SourceDecision,
  init: FromEnvironmentAwareInit,
  env: Environment,
  now: () => number,
): Promise<void> {
  switch (decision.source) {
    case "web-identity":
      explanation.webIdentity = await describeWebIdentity(decision.config, explanation.warnings, now);
      return;
    case "explicit":
      if (decision.explicit === "web-identity") {
        const options = init.webIdentity ?? {};
        explanation.webIdentity = await describeWebIdentity(
          {
            webIdentityTokenFile: options.webIdentityTokenFile ?? env[ENV_WEB_IDENTITY_TOKEN_FILE],
            roleArn: options.roleArn ?? env[ENV_ROLE_ARN],
            roleSessionName: options.roleSessionName ?? env[ENV_ROLE_SESSION_NAME],
          },
          explanation.warnings,
          now,
        );
      } else {
        explanation.rolesAnywhere = await describeRolesAnywhere(
          init.rolesAnywhere as FromRolesAnywhereInit,
          explanation.warnings,
          now,
        );
      }
      return;
    case "pod-identity": {
      const readable = await access(decision.config.authorizationTokenFile).then(
        () => true,
        () => false,
      );
      if (!readable) {
        explanation.warnings.push(`The Pod Identity token file ${displayPath(decision.config.authorizationTokenFile)} is not readable.`);
      }
      explanation.podIdentity = {
        endpoint: decision.config.fullUri,
        authorizationTokenFile: displayPath(decision.config.authorizationTokenFile),
        tokenFileReadable: readable,
      };
      return;
    }
    case "roles-anywhere": {
      let options: FromRolesAnywhereInit;
      try {
        options = await rolesAnywhereInit(decision.config);
      } catch (error) {
        explanation.rolesAnywhere = {
          ...rolesAnywhereArns(decision.config),
          certificateError: describeCause(error),
        };
        return;
      }
      explanation.rolesAnywhere = await describeRolesAnywhere(options, explanation.warnings, now);
      return;
    }
    case "sdk-chain": {
      const profile = (init.fallback || {}).profile ?? decision.config.profile;
      explanation.sdkChain = profile === undefined ? {} : { profile };
      return;
    }
    case "none":
      return;
  }
}

async function describeWebIdentity(
  config: { webIdentityTokenFile?: string | undefined; roleArn?: string | undefined; roleSessionName?: string | undefined },
  warnings: string[],
  now: () => number,
): Promise<NonNullable<Explanation["webIdentity"]>> {
  const result: NonNullable<Explanation["webIdentity"]> = {
    ...(config.webIdentityTokenFile === undefined ? {} : { tokenFile: displayPath(config.webIdentityTokenFile) }),
    ...(config.roleArn === undefined ? {} : { roleArn: config.roleArn }),
    ...(config.roleSessionName === undefined ? {} : { roleSessionName: config.roleSessionName }),
  };
  if (config.webIdentityTokenFile === undefined) return result;
  let token: string;
  try {
    token = await readFile(config.webIdentityTokenFile, "utf8");
  } catch (error) {
    result.tokenError = `cannot read the token file: ${(error as { code?: string }).code ?? "error"}`;
    warnings.push(`The web identity token file ${displayPath(config.webIdentityTokenFile)} cannot be read.`);
    return result;
  }
  try {
    const { describeWebIdentityToken } = await import("@workload-identity/web-identity");
    const claims = describeWebIdentityToken(token);
    const expired = claims.expiresAt === undefined ? undefined : claims.expiresAt.getTime() <= now();
    result.token = {
      ...(claims.issuer === undefined ? {} : { issuer: claims.issuer }),
      ...(claims.subject === undefined ? {} : { subject: claims.subject }),
      audience: [...claims.audience],
      ...(claims.expiresAt === undefined ? {} : { expiresAt: claims.expiresAt.toISOString() }),
      ...(claims.issuedAt === undefined ? {} : { issuedAt: claims.issuedAt.toISOString() }),
      ...(expired === undefined ? {} : { expired }),
    };
    if (expired === true) {
      warnings.push(
        `The web identity token expired at ${claims.expiresAt?.toISOString()}: the kubelet is not refreshing it ` +
          "(is the pod's projected volume mounted?), or the token file is a stale copy.",
      );
    }
  } catch (error) {
    // The token module's messages describe the problem, never the token.
    result.tokenError = describeCause(error);
    warnings.push(`The web identity token cannot be decoded: ${result.tokenError}`);
  }
  return result;
}

function rolesAnywhereArns(
  options: Pick<FromRolesAnywhereInit, "certificate" | "trustAnchorArn" | "profileArn" | "roleArn" | "durationSeconds">,
): NonNullable<Explanation["rolesAnywhere"]> {
  return {
    certificate: printableMaterial(options.certificate),
    trustAnchorArn: options.trustAnchorArn,
    profileArn: options.profileArn,
    roleArn: options.roleArn,
    ...(options.durationSeconds === undefined ? {} : { sessionDurationSeconds: options.durationSeconds }),
  };
}

async function describeRolesAnywhere(
  options: FromRolesAnywhereInit,
  warnings: string[],
  now: () => number,
): Promise<NonNullable<Explanation["rolesAnywhere"]>> {
  const result = rolesAnywhereArns(options);
  try {
    const { inspectCertificate } = await import("@workload-identity/roles-anywhere");
    const summary = await inspectCertificate({
      certificate: options.certificate,
      privateKey: options.privateKey,
      ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }),
    });
    const expired = summary.validTo.getTime() <= now();
    result.certificateSummary = {
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
    } else if (summary.validTo.getTime() - now() < 7 * 24 * 3600_000) {
      warnings.push(`The Roles Anywhere certificate expires soon, at ${summary.validTo.toISOString()}.`);
    }
    if (summary.keyMatches === false) {
      warnings.push("The Roles Anywhere private key does not match the certificate's public key.");
    }
  } catch (error) {
    result.certificateError = describeCause(error);
    warnings.push(`The Roles Anywhere certificate cannot be read: ${result.certificateError}`);
  }
  return result;
}

/** A path is shown; inline PEM or DER content is not. */
function printableMaterial(value: string | Uint8Array): string {
  if (typeof value !== "string") return "(inline bytes)";
  return value.includes("-----BEGIN") || value.includes("\n") ? "(inline PEM)" : value;
}

function variable(name: string, env: Environment): ExplainedVariable {
  const value = env[name];
  if (value === undefined || value === "") return { name, value: "(empty)" };
  if (name === ENV_RA_PRIVATE_KEY) {
    return { name, value: value.includes("-----BEGIN") ? "(inline PEM)" : displayPath(value) };
  }
  if (PATH_VARIABLES.has(name)) return { name, value: displayPath(value) };
  if (PRINTABLE_VARIABLES.has(name)) return { name, value };
  if (name === ENV_RA_CERTIFICATE || name === ENV_RA_CERTIFICATE_CHAIN) return { name, value: printableMaterial(value) };
  return { name, value: "(set)" };
}

function sourceOfVariable(name: string | undefined): CredentialSourceName | "none" {
  if (name?.startsWith("AWS_ROLES_ANYWHERE_") === true) return "roles-anywhere";
  if (name?.startsWith("AWS_CONTAINER_") === true) return "pod-identity";
  return "none";
}
