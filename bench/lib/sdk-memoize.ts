import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { memoize } from "@smithy/property-provider";

/** The SDK refreshes credentials that have less than this left. */
export const SDK_REFRESH_WINDOW_MS = 5 * 60_000;

/** How the SDK's own providers are memoized (refreshed 5 minutes before expiry), on a clock the caller can move. */
export function sdkMemoize(source: AwsCredentialIdentityProvider, now: () => number = Date.now): AwsCredentialIdentityProvider {
  return memoize(
    source,
    (c: AwsCredentialIdentity) => c.expiration !== undefined && c.expiration.getTime() - now() < SDK_REFRESH_WINDOW_MS,
    (c: AwsCredentialIdentity) => c.expiration !== undefined,
  );
}
