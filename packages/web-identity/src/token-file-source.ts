import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, AwsIdentityProperties } from "@aws-sdk/types";
import { looksLikeSecret, parseRoleArn, ROLE_ARN_EXAMPLE, registerSecret, SESSION_NAME_RULE } from "@workload-identity/core";
import { type CallerClientConfig, createRoleAssumer } from "./assume-role.js";
import { ENV_ROLE_ARN, ENV_ROLE_SESSION_NAME, ENV_TOKEN_FILE, readEnv } from "./environment.js";
import { WebIdentityConfigurationError, WebIdentityNotConfiguredError } from "./errors.js";
import { defaultTokenFileReader, readTokenFile } from "./read-token-file.js";
import { defaultSessionName, SESSION_NAME_PATTERN } from "./session-name.js";
import type { TokenFileSourceInit } from "./token-file-options.js";
import { assertTokenCurrent, decodeWebIdentityToken } from "./token.js";
import { validateTokenFileInit } from "./validate-init.js";

/**
 * The web identity source alone, uncached: each call reads the environment and the token file and calls STS
 * AssumeRoleWithWebIdentity. Wrap it in `withRefresh` once (as `fromTokenFile` does) before giving it to clients.
 *
 * Validates `init` now; reads the environment, the file and calls STS only when called.
 */
export function createTokenFileSource(init: TokenFileSourceInit = {}): AwsCredentialIdentityProvider {
  validateTokenFileInit(init);
  const now = init.now ?? Date.now;
  const random = init.random ?? Math.random;
  const sleep = init.sleep ?? defaultTokenFileReader.sleep;
  const reader = { readFile: init.readFile ?? defaultTokenFileReader.readFile, sleep };
  let callerClientConfig: CallerClientConfig | undefined;
  const assumeRole = createRoleAssumer({
    clientConfig: init.clientConfig,
    stsClient: init.stsClient,
    timeouts: {
      connectTimeoutMs: init.stsTimeouts?.connectTimeoutMs ?? 3_000,
      timeoutMs: init.stsTimeouts?.timeoutMs ?? 5_000,
    },
    retry: {
      maxAttempts: init.stsRetry?.maxAttempts ?? 4,
      invalidIdentityTokenMaxAttempts: init.stsRetry?.invalidIdentityTokenMaxAttempts ?? 3,
      baseDelayMs: init.stsRetry?.baseDelayMs ?? 200,
      maxDelayMs: init.stsRetry?.maxDelayMs ?? 5_000,
    },
    logger: init.logger,
    sleep,
    random,
    callerClientConfig: () => callerClientConfig,
  });
  let generatedSessionName: { subject: string | undefined; name: string } | undefined;

  return async (properties?: AwsIdentityProperties): Promise<AwsCredentialIdentity> => {
    // The SDK passes the calling client's config: its region is the STS client's last resort.
    if (callerClientConfig === undefined && properties?.callerClientConfig !== undefined) {
      callerClientConfig = properties.callerClientConfig;
    }
    const tokenFile = init.webIdentityTokenFile ?? readEnv(ENV_TOKEN_FILE);
    const roleArn = init.roleArn ?? readEnv(ENV_ROLE_ARN);
    if (tokenFile === undefined && roleArn === undefined) throw new WebIdentityNotConfiguredError();
    if (tokenFile === undefined || roleArn === undefined) {
      const missing = tokenFile === undefined ? `${ENV_TOKEN_FILE} (or webIdentityTokenFile)` : `${ENV_ROLE_ARN} (or roleArn)`;
      throw new WebIdentityConfigurationError(
        "WEB_IDENTITY_INCOMPLETE_CONFIGURATION",
        `Web identity is half configured: ${missing} is not set. Set it, or unset the other one to use another credential source.`,
      );
    }
    // The same checks as for the options, naming the variable the value came from.
    if (init.roleArn === undefined && parseRoleArn(roleArn) === undefined) {
      throw new WebIdentityConfigurationError(
        "WEB_IDENTITY_INVALID_CONFIGURATION",
        `${ENV_ROLE_ARN} ${JSON.stringify(roleArn.slice(0, 200))} is not an IAM role ARN: set it to one like ${ROLE_ARN_EXAMPLE}.`,
      );
    }
    const configuredSessionName = init.roleSessionName ?? readEnv(ENV_ROLE_SESSION_NAME);
    if (configuredSessionName !== undefined && !SESSION_NAME_PATTERN.test(configuredSessionName)) {
      throw new WebIdentityConfigurationError(
        "WEB_IDENTITY_INVALID_CONFIGURATION",
        `${ENV_ROLE_SESSION_NAME} ${JSON.stringify(configuredSessionName.slice(0, 200))} is not a valid session name: use ${SESSION_NAME_RULE}.`,
      );
    }

    if (looksLikeSecret(tokenFile)) {
      // The token itself pasted where its path belongs: say so without echoing it anywhere.
      registerSecret(tokenFile);
      throw new WebIdentityConfigurationError(
        "WEB_IDENTITY_INVALID_CONFIGURATION",
        `${ENV_TOKEN_FILE} (or webIdentityTokenFile) holds what looks like a token, not a path. Set it to the path of the token file, e.g. /var/run/secrets/eks.amazonaws.com/serviceaccount/token.`,
      );
    }
    const token = await readTokenFile(tokenFile, reader);
    registerSecret(token);
    const claims = decodeWebIdentityToken(token, tokenFile);
    assertTokenCurrent(claims, now(), tokenFile);
    let roleSessionName = configuredSessionName;
    if (roleSessionName === undefined) {
      if (generatedSessionName === undefined || generatedSessionName.subject !== claims.subject) {
        generatedSessionName = { subject: claims.subject, name: defaultSessionName(claims.subject, random) };
      }
      roleSessionName = generatedSessionName.name;
    }

    const credentials = await assumeRole({
      RoleArn: roleArn,
      RoleSessionName: roleSessionName,
      WebIdentityToken: token,
      DurationSeconds: init.durationSeconds,
      Policy: init.policy,
      PolicyArns: init.policyArns,
    });
    init.logger?.debug?.(
      `web-identity: assumed ${roleArn} as ${roleSessionName} (sub=${claims.subject ?? "(none)"}) until ${credentials.expiration?.toISOString() ?? "(no expiration)"}`,
    );
    return credentials;
  };
}
