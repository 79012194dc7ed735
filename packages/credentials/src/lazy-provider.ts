import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";

/**
 * A provider whose real implementation is built on first call (to load a package only when its source is chosen).
 * Once built, calls go straight to it, without an extra promise. A failed build is retried at the next call.
 */
export function lazyProvider(build: () => Promise<AwsCredentialIdentityProvider>): AwsCredentialIdentityProvider {
  let provider: AwsCredentialIdentityProvider | undefined;
  let building: Promise<AwsCredentialIdentityProvider> | undefined;
  return (properties) => {
    if (provider !== undefined) return provider(properties);
    building ??= build().then(
      (built) => {
        provider = built;
        return built;
      },
      (error: unknown) => {
        building = undefined;
        throw error;
      },
    );
    return building.then((built) => built(properties));
  };
}
