import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { withRefresh } from "@workload-identity/refresh";
import type { FromTokenFileInit } from "./token-file-options.js";
import { createTokenFileSource } from "./token-file-source.js";

export type { FromTokenFileInit } from "./token-file-options.js";

/**
 * Credentials for a workload whose identity is a token file: EKS IRSA, or any cluster whose service-account issuer
 * the account trusts. Exchanges the kubelet-projected JWT at STS with AssumeRoleWithWebIdentity, re-reading the file
 * at every refresh, and caches the credentials with `withRefresh`.
 *
 * Validates `init` now; reads the environment, the file and calls STS only when the provider is called.
 *
 * @example
 * ```ts
 * new SQSClient({ credentials: fromTokenFile() });
 * ```
 */
export function fromTokenFile(init: FromTokenFileInit = {}): AwsCredentialIdentityProvider {
  const { refresh = {}, ...sourceInit } = init;
  // One injected clock (and random source) reaches both parts, whichever of the two options carries it.
  const sourceNow = init.now ?? refresh.now;
  const sourceRandom = init.random ?? refresh.random;
  const source = createTokenFileSource({
    ...sourceInit,
    ...(sourceNow === undefined ? {} : { now: sourceNow }),
    ...(sourceRandom === undefined ? {} : { random: sourceRandom }),
  });
  const cacheNow = refresh.now ?? init.now;
  const cacheRandom = refresh.random ?? init.random;
  return withRefresh(source, {
    ...refresh,
    ...(cacheNow === undefined ? {} : { now: cacheNow }),
    ...(cacheRandom === undefined ? {} : { random: cacheRandom }),
  });
}
