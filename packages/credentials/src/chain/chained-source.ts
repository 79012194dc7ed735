import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, AwsIdentityProperties, Logger } from "@aws-sdk/types";
import { REFUSED_CREDENTIALS_CODES, refusalOf } from "../recovery/refusal.js";
import { type AssumeRoleOptions, resolveAssumeRoleOptions } from "./assume-role-options.js";
import { type CallerClientConfig, createAssumeRoleCall, toAssumeRoleError } from "./sts-assume-role.js";

const REFUSED_CODES: ReadonlySet<string> = new Set(REFUSED_CREDENTIALS_CODES);

/**
 * The chained credentials never outlive the base ones: the chained set is then refreshed (by the cache over this
 * source) while the base set is still valid, so that refresh can sign AssumeRole even if the base source is down.
 */
function capped(chained: AwsCredentialIdentity, base: AwsCredentialIdentity): AwsCredentialIdentity {
  const { expiration } = base;
  if (expiration === undefined || chained.expiration === undefined || chained.expiration <= expiration) return chained;
  return { ...chained, expiration };
}

/**
 * Role chaining as an uncached source: the base credentials (from `base`, which must be cached: it is called at each
 * chained refresh) sign STS AssumeRole for `options.roleArn`. When STS refuses the base credentials themselves
 * (expired by its clock, revoked), the base is forced to refresh once and AssumeRole tried again.
 */
export function createChainedSource(
  base: AwsCredentialIdentityProvider,
  options: AssumeRoleOptions,
  logger: Logger | undefined,
): AwsCredentialIdentityProvider {
  const resolved = resolveAssumeRoleOptions(options);
  const assumeRole = createAssumeRoleCall(resolved);
  let caller: CallerClientConfig | undefined;
  return async (properties?: AwsIdentityProperties) => {
    // The SDK passes the calling client's config: its region is the STS client's last resort.
    caller ??= properties?.callerClientConfig;
    const { forceRefresh: _, ...baseProperties } = (properties ?? {}) as AwsIdentityProperties & { forceRefresh?: boolean };
    // The base's own errors (its STS refusing role A, a missing token file) pass through as they are.
    const baseCredentials = await base(baseProperties);
    try {
      return capped(await assumeRole(baseCredentials, caller), baseCredentials);
    } catch (error) {
      const refusal = refusalOf(error, baseCredentials, REFUSED_CODES);
      if (refusal === undefined) throw toAssumeRoleError(error, resolved.roleArn, false);
      logger?.warn(`@workload-identity/credentials: STS refused the base credentials (${refusal.code}); refreshing them once.`);
    }
    const refreshed = await base({ ...baseProperties, forceRefresh: true } as AwsIdentityProperties);
    try {
      return capped(await assumeRole(refreshed, caller), refreshed);
    } catch (error) {
      throw toAssumeRoleError(error, resolved.roleArn, refusalOf(error, refreshed, REFUSED_CODES) !== undefined);
    }
  };
}
