import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, AwsIdentityProperties } from "@aws-sdk/types";
import { registerSecret } from "@workload-identity/core";
import { type CallerClientConfig, createRoleAssumer } from "./assume-role.js";
import { defaultTokenFileReader, readTokenFile } from "./read-token-file.js";
import { resolveConfiguration } from "./resolve-configuration.js";
import { defaultSessionName } from "./session-name.js";
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
    ...stsCallDefaults(init),
    clientConfig: init.clientConfig,
    stsClient: init.stsClient,
    logger: init.logger,
    sleep,
    random,
    callerClientConfig: () => callerClientConfig,
    proxy: init.proxy,
  });
  let generatedSessionName: { subject: string | undefined; name: string } | undefined;

  return async (properties?: AwsIdentityProperties): Promise<AwsCredentialIdentity> => {
    // The SDK passes the calling client's config: its region is the STS client's last resort.
    if (callerClientConfig === undefined && properties?.callerClientConfig !== undefined) {
      callerClientConfig = properties.callerClientConfig;
    }
    const { tokenFile, roleArn, roleSessionName: configuredSessionName } = resolveConfiguration(init);
    const token = await readTokenFile(tokenFile, reader);
    registerSecret(token);
    const claims = decodeWebIdentityToken(token, tokenFile);
    assertTokenCurrent(claims, now(), tokenFile);
    // A generated name is kept while the subject is the same, so CloudTrail shows one session per pod.
    if (configuredSessionName === undefined && generatedSessionName?.subject !== claims.subject) {
      generatedSessionName = { subject: claims.subject, name: defaultSessionName(claims.subject, random) };
    }
    const roleSessionName = configuredSessionName ?? (generatedSessionName as { name: string }).name;

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

/** The deadlines and retries of STS calls, with their defaults. */
function stsCallDefaults(init: TokenFileSourceInit): Pick<Parameters<typeof createRoleAssumer>[0], "timeouts" | "retry"> {
  return {
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
  };
}
