// The AWS SDK's default Node.js chain, when nothing of workload identity is configured: env keys, SSO, profiles,
// credential_process, container credentials, instance metadata. Loaded on first use.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { ENV_PROFILE, readEnv } from "@workload-identity/core";
import { SdkChainError, SdkChainFailedError } from "../errors.js";
import type { SourceModule } from "./source-module.js";

/** Options for the SDK chain fallback. */
export interface SdkChainOptions {
  /**
   * The shared config profile to use.
   * @defaultValue the `AWS_PROFILE` variable, else `default`
   */
  profile?: string;
  /**
   * Connect and response timeout of each request the chain makes to the instance metadata service (IMDS) or a
   * container credentials endpoint, in milliseconds.
   * @defaultValue 1000 (the SDK's)
   */
  timeoutMs?: number;
  /**
   * Retries of those requests, per refresh.
   * @defaultValue 0 (the SDK's)
   */
  maxRetries?: number;
}

/** The SDK chain's settings: the options, and the profile the environment names. */
export interface SdkChainConfig {
  readonly options: SdkChainOptions;
  readonly profile: string | undefined;
}

/**
 * Which link answered, from the features the SDK stamps on the credentials it returns (`$source`), in the chain's
 * order: no log line has to be read back. The first feature that names a link wins.
 */
const LINKS: readonly (readonly [feature: RegExp, link: string])[] = [
  [/^CREDENTIALS_ENV_VARS$/, "fromEnv"],
  [/^CREDENTIALS_(PROFILE_)?SSO/, "fromSSO"],
  [/^CREDENTIALS_(PROFILE_)?PROCESS$/, "fromProcess"],
  [/^CREDENTIALS_PROFILE/, "fromIni"],
  [/^CREDENTIALS_(ENV_VARS_STS_WEB_ID_TOKEN|STS_ASSUME_ROLE_WEB_ID)$/, "fromTokenFile"],
  [/^CREDENTIALS_HTTP$/, "fromContainerMetadata"],
  [/^CREDENTIALS_IMDS$/, "fromInstanceMetadata"],
];

/** `fromEnv (CREDENTIALS_ENV_VARS)`: the link that answered and every feature the SDK reported. */
export function linkOf(credentials: AwsCredentialIdentity): string {
  const features = Object.keys((credentials as { $source?: Record<string, unknown> }).$source ?? {});
  const link = LINKS.find(([feature]) => features.some((name) => feature.test(name)))?.[1] ?? "unknown";
  return features.length === 0 ? link : `${link} (${features.join(", ")})`;
}

/**
 * The SDK marks "no link had credentials" only by this message: its error's `tryNextLink` is `false`, as a broken
 * profile's is. Checked in one place, so an SDK that words it differently shows up as SDK_CHAIN_FAILED, not a crash.
 */
function isChainExhausted(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("Could not load credentials from any providers");
}

/**
 * The chain as an uncached source for our one cache. `defaultProvider` memoizes internally (until 5 minutes before
 * expiry), which would hand our early refreshes the old credentials; it re-runs the chain on `forceRefresh`, so every
 * call asks for that: each refresh of ours is a real run of the chain, and ours is the only cache that decides.
 */
function createSdkChainSource(config: SdkChainConfig, deps: Parameters<SourceModule<SdkChainConfig>["create"]>[1]): AwsCredentialIdentityProvider {
  let chain: AwsCredentialIdentityProvider | undefined;
  return async () => {
    if (chain === undefined) {
      // The chain's own package, which every SDK client already depends on: nothing more to install or load.
      const { defaultProvider } = await import("@aws-sdk/credential-provider-node");
      chain = defaultProvider({
        ...(config.options.profile === undefined ? {} : { profile: config.options.profile }),
        // Said here rather than left to the SDK, so the deadline of a hung metadata endpoint is ours and documented.
        timeout: config.options.timeoutMs ?? 1000,
        maxRetries: config.options.maxRetries ?? 0,
        ...(deps.logger === undefined ? {} : { logger: deps.logger }),
      });
    }
    try {
      const credentials = await chain({ forceRefresh: true });
      deps.state.link = linkOf(credentials);
      return credentials;
    } catch (error) {
      // Nothing configured anywhere, or the chain failed on its own (a broken profile); either way the SDK's error,
      // which may hold a raw service response, is passed on redacted, in an error of ours.
      throw isChainExhausted(error) ? new SdkChainError(error) : new SdkChainFailedError(error);
    }
  };
}

export const sdkChainSource: SourceModule<SdkChainConfig> = {
  detect: () => ({ state: "unset" }),
  create: createSdkChainSource,
  async describe(config) {
    const profile = config.options.profile ?? config.profile;
    return { sdkChain: profile === undefined ? {} : { profile } };
  },
};

/** The SDK chain's configuration for these options and this environment. */
export function sdkChainConfig(options: SdkChainOptions, env: Parameters<typeof readEnv>[1]): SdkChainConfig {
  return { options, profile: readEnv(ENV_PROFILE, env) };
}
