import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, Logger } from "@aws-sdk/types";
import { SdkChainError, SdkChainFailedError } from "./errors.js";
import type { SharedSourceState } from "./shared-cache.js";

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

// The chain announces each link it tries through `logger.debug`; the last one announced before success answered.
const LINK_PATTERN = /(?:defaultProvider|remoteProvider)::(\S+)/;

/**
 * The AWS SDK's default Node.js chain, loaded on first use, as an uncached source for our single cache.
 *
 * The SDK's default chain (`defaultProvider`, which `fromNodeProviderChain` wraps) memoizes internally
 * (`memoizeChain`, which keeps credentials until 5 minutes before they expire). Stacked under our cache, that memo would hand our early refreshes the same old credentials. The
 * package exports no unmemoized chain, but its memo re-runs the chain on every `forceRefresh` call, so we call it
 * that way: every refresh of ours is a real run of the chain, and ours is the only cache that decides.
 */
export function sdkChainSource(
  options: SdkChainOptions,
  state: SharedSourceState,
  logger?: Logger,
): () => Promise<AwsCredentialIdentity> {
  let chain: AwsCredentialIdentityProvider | undefined;
  let lastLink: string | undefined;
  const tracker: Logger = {
    debug: (...content: unknown[]) => {
      const match = typeof content[0] === "string" ? LINK_PATTERN.exec(content[0]) : null;
      if (match?.[1] !== undefined) lastLink = match[1];
      logger?.debug(...content);
    },
    info: (...content: unknown[]) => logger?.info(...content),
    warn: (...content: unknown[]) => logger?.warn(...content),
    error: (...content: unknown[]) => logger?.error(...content),
  };
  return async () => {
    if (chain === undefined) {
      // The chain's own package, which every SDK client already depends on: nothing more to install or load.
      const { defaultProvider } = await import("@aws-sdk/credential-provider-node");
      chain = defaultProvider({
        ...(options.profile === undefined ? {} : { profile: options.profile }),
        // Said here rather than left to the SDK, so the deadline of a hung metadata endpoint is ours and documented.
        timeout: options.timeoutMs ?? 1000,
        maxRetries: options.maxRetries ?? 0,
        logger: tracker,
      });
    }
    lastLink = undefined;
    try {
      const credentials = await chain({ forceRefresh: true });
      const features = Object.keys((credentials as { $source?: Record<string, unknown> }).$source ?? {});
      state.link = linkName(lastLink, features);
      return credentials;
    } catch (error) {
      // The chain ran out of links: nothing configured anywhere. Other errors (a broken profile) are the SDK's own,
      // which may hold a raw service response: they are passed on redacted, in an error of ours.
      if (error instanceof Error && error.message.startsWith("Could not load credentials from any providers")) {
        throw new SdkChainError(error);
      }
      throw new SdkChainFailedError(error);
    }
  };
}

function linkName(link: string | undefined, features: readonly string[]): string {
  const base = link ?? "unknown";
  return features.length === 0 ? base : `${base} (${features.join(", ")})`;
}
