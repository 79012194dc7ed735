import { looksLikeSecret, parseRoleArn, ROLE_ARN_EXAMPLE, registerSecret, SESSION_NAME_RULE } from "@workload-identity/core";
import { ENV_ROLE_ARN, ENV_ROLE_SESSION_NAME, ENV_TOKEN_FILE, readEnv } from "./environment.js";
import { WebIdentityConfigurationError, WebIdentityNotConfiguredError } from "./errors.js";
import { SESSION_NAME_PATTERN } from "./session-name.js";
import type { TokenFileSourceInit } from "./token-file-options.js";

/** What one refresh uses, options first, then the environment. */
export interface WebIdentityConfiguration {
  readonly tokenFile: string;
  readonly roleArn: string;
  /** `undefined`: generate one from the token's subject. */
  readonly roleSessionName: string | undefined;
}

/**
 * Reads the configuration for one refresh: each option beats its variable, read now (a pod's environment can be
 * re-read by a restart only, but a test's can change). The values from the environment get the checks the options
 * got when the provider was made, with errors naming the variable.
 * @throws WebIdentityNotConfiguredError when nothing is set (`tryNextLink`), WebIdentityConfigurationError otherwise
 */
export function resolveConfiguration(init: TokenFileSourceInit): WebIdentityConfiguration {
  const tokenFile = init.webIdentityTokenFile ?? readEnv(ENV_TOKEN_FILE);
  const roleArn = init.roleArn ?? readEnv(ENV_ROLE_ARN);
  if (tokenFile === undefined && roleArn === undefined) throw new WebIdentityNotConfiguredError();
  if (tokenFile === undefined || roleArn === undefined) {
    const missing = tokenFile === undefined ? `${ENV_TOKEN_FILE} (or webIdentityTokenFile)` : `${ENV_ROLE_ARN} (or roleArn)`;
    throw invalid(
      "WEB_IDENTITY_INCOMPLETE_CONFIGURATION",
      `Web identity is half configured: ${missing} is not set. Set it, or unset the other one to use another credential source.`,
    );
  }
  if (init.roleArn === undefined && parseRoleArn(roleArn) === undefined) {
    throw invalid(
      "WEB_IDENTITY_INVALID_CONFIGURATION",
      `${ENV_ROLE_ARN} ${JSON.stringify(roleArn.slice(0, 200))} is not an IAM role ARN: set it to one like ${ROLE_ARN_EXAMPLE}.`,
    );
  }
  const roleSessionName = init.roleSessionName ?? readEnv(ENV_ROLE_SESSION_NAME);
  if (roleSessionName !== undefined && !SESSION_NAME_PATTERN.test(roleSessionName)) {
    throw invalid(
      "WEB_IDENTITY_INVALID_CONFIGURATION",
      `${ENV_ROLE_SESSION_NAME} ${JSON.stringify(roleSessionName.slice(0, 200))} is not a valid session name: use ${SESSION_NAME_RULE}.`,
    );
  }
  if (looksLikeSecret(tokenFile)) {
    // The token itself pasted where its path belongs: say so without echoing it anywhere.
    registerSecret(tokenFile);
    throw invalid(
      "WEB_IDENTITY_INVALID_CONFIGURATION",
      `${ENV_TOKEN_FILE} (or webIdentityTokenFile) holds what looks like a token, not a path. Set it to the path of ` +
        "the token file, e.g. /var/run/secrets/eks.amazonaws.com/serviceaccount/token.",
    );
  }
  return { tokenFile, roleArn, roleSessionName };
}

function invalid(
  code: "WEB_IDENTITY_INCOMPLETE_CONFIGURATION" | "WEB_IDENTITY_INVALID_CONFIGURATION",
  message: string,
): WebIdentityConfigurationError {
  return new WebIdentityConfigurationError(code, message);
}
