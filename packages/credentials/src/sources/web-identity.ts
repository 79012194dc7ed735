// Web identity from a projected token (EKS IRSA, any OIDC-federated cluster): AWS_WEB_IDENTITY_TOKEN_FILE +
// AWS_ROLE_ARN, exchanged at STS by @workload-identity/web-identity's source, loaded when first called.
import { readFile } from "node:fs/promises";
import {
  describeError,
  ENV_ROLE_ARN,
  ENV_ROLE_SESSION_NAME,
  ENV_WEB_IDENTITY_TOKEN_FILE,
  looksLikeSecret,
  parseRoleArn,
  ROLE_ARN_EXAMPLE,
  readEnv,
} from "@workload-identity/core";
import { createTokenFileSource, describeWebIdentityToken, type TokenFileSourceInit } from "@workload-identity/web-identity";
import { HalfConfiguredError, InvalidEnvironmentValueError } from "../errors.js";
import type { Explanation } from "../explanation.js";
import { displayPath } from "../redact.js";
import type { SourceModule } from "./source-module.js";

/** The token file's expiry warning says what usually causes it. */
const STALE_TOKEN_HINT =
  "the kubelet is not refreshing it (is the pod's projected volume mounted?), or the token file is a stale copy.";

export const webIdentitySource: SourceModule<TokenFileSourceInit> = {
  detect(env) {
    const webIdentityTokenFile = readEnv(ENV_WEB_IDENTITY_TOKEN_FILE, env);
    const roleArn = readEnv(ENV_ROLE_ARN, env);
    if (webIdentityTokenFile === undefined && roleArn === undefined) return { state: "unset" };
    if (webIdentityTokenFile === undefined || roleArn === undefined) {
      const present = webIdentityTokenFile === undefined ? ENV_ROLE_ARN : ENV_WEB_IDENTITY_TOKEN_FILE;
      const missing = webIdentityTokenFile === undefined ? ENV_WEB_IDENTITY_TOKEN_FILE : ENV_ROLE_ARN;
      return {
        state: "half",
        error: new HalfConfiguredError(
          "web-identity",
          [present],
          [missing],
          "On EKS, annotate the service account with eks.amazonaws.com/role-arn and restart the pod.",
        ),
      };
    }
    if (parseRoleArn(roleArn) === undefined) {
      return {
        state: "half",
        error: new InvalidEnvironmentValueError(
          ENV_ROLE_ARN,
          `is ${JSON.stringify(roleArn.slice(0, 200))}, not an IAM role ARN: set it to one like ${ROLE_ARN_EXAMPLE}`,
        ),
      };
    }
    const roleSessionName = readEnv(ENV_ROLE_SESSION_NAME, env);
    return {
      state: "complete",
      // No options: the source reads these variables itself at each call, and its checks name them.
      config: {},
      reason: `${ENV_WEB_IDENTITY_TOKEN_FILE} and ${ENV_ROLE_ARN} are set: AssumeRoleWithWebIdentity with the projected token.`,
      variables:
        roleSessionName === undefined
          ? [ENV_WEB_IDENTITY_TOKEN_FILE, ENV_ROLE_ARN]
          : [ENV_WEB_IDENTITY_TOKEN_FILE, ENV_ROLE_ARN, ENV_ROLE_SESSION_NAME],
    };
  },

  create(config, { logger, proxy }) {
    const withProxy = config.proxy !== undefined || proxy === undefined ? config : { ...config, proxy };
    return createTokenFileSource(withProxy.logger !== undefined || logger === undefined ? withProxy : { ...withProxy, logger });
  },

  async describe(config, { env, now, warnings }) {
    const tokenFile = config.webIdentityTokenFile ?? readEnv(ENV_WEB_IDENTITY_TOKEN_FILE, env);
    const roleArn = config.roleArn ?? readEnv(ENV_ROLE_ARN, env);
    const roleSessionName = config.roleSessionName ?? readEnv(ENV_ROLE_SESSION_NAME, env);
    const section: NonNullable<Explanation["webIdentity"]> = {
      ...(tokenFile === undefined ? {} : { tokenFile: displayPath(tokenFile) }),
      ...(roleArn === undefined ? {} : { roleArn }),
      ...(roleSessionName === undefined ? {} : { roleSessionName }),
    };
    // A token pasted where the path belongs is not read as a path (nor echoed: displayPath hides it).
    if (tokenFile === undefined || looksLikeSecret(tokenFile)) return { webIdentity: section };
    let token: string;
    try {
      token = await readFile(tokenFile, "utf8");
    } catch (error) {
      section.tokenError = `cannot read the token file: ${(error as { code?: string }).code ?? "error"}`;
      warnings.push(`The web identity token file ${displayPath(tokenFile)} cannot be read.`);
      return { webIdentity: section };
    }
    try {
      const claims = describeWebIdentityToken(token);
      const expired = claims.expiresAt === undefined ? undefined : claims.expiresAt.getTime() <= now();
      section.token = {
        ...(claims.issuer === undefined ? {} : { issuer: claims.issuer }),
        ...(claims.subject === undefined ? {} : { subject: claims.subject }),
        audience: [...claims.audience],
        ...(claims.expiresAt === undefined ? {} : { expiresAt: claims.expiresAt.toISOString() }),
        ...(claims.issuedAt === undefined ? {} : { issuedAt: claims.issuedAt.toISOString() }),
        ...(expired === undefined ? {} : { expired }),
      };
      if (expired === true) warnings.push(`The web identity token expired at ${claims.expiresAt?.toISOString()}: ${STALE_TOKEN_HINT}`);
    } catch (error) {
      // The token module's messages describe the problem, never the token.
      section.tokenError = describeError(error);
      warnings.push(`The web identity token cannot be decoded: ${section.tokenError}`);
    }
    return { webIdentity: section };
  },
};
