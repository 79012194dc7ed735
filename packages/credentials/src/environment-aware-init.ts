import type { Logger } from "@aws-sdk/types";
import type { ProxySetting } from "@workload-identity/core";
import type { RefreshOptions } from "@workload-identity/refresh";
import type { FromRolesAnywhereInit } from "@workload-identity/roles-anywhere";
import type { FromTokenFileInit } from "@workload-identity/web-identity";
import type { AssumeRoleOptions } from "./chain/assume-role-options.js";
import type { PodIdentityOptions } from "./sources/pod-identity.js";
import type { SdkChainOptions } from "./sources/sdk-chain.js";

/** Options of {@link fromEnvironmentAware}. Everything is optional: the environment decides. */
export interface FromEnvironmentAwareInit {
  /**
   * Use web identity with these options, whatever the environment says (source `explicit`). Missing fields are read
   * from the environment, as `fromTokenFile` does. Its `refresh` wins over the top-level one.
   */
  webIdentity?: FromTokenFileInit;
  /** Use IAM Roles Anywhere with these options, whatever the environment says (source `explicit`). */
  rolesAnywhere?: FromRolesAnywhereInit;
  /**
   * What to do when no workload identity is configured: use the AWS SDK's default chain (with these options), or
   * `false` to fail with `NO_CREDENTIAL_SOURCE` instead (for production images that must never use a node role or
   * a developer's keys).
   * @defaultValue `{}` (the SDK chain)
   */
  fallback?: false | SdkChainOptions;
  /** Timeouts and retries of EKS Pod Identity agent requests. */
  podIdentity?: PodIdentityOptions;
  /**
   * Role chaining: assume this role with the chosen source's credentials (a role in another account, say). The base
   * credentials get a cache of their own; the provider returns the chained ones, sessions of at most one hour that
   * never outlive the base set.
   */
  assumeRole?: AssumeRoleOptions;
  /**
   * Cache and refresh windows, applied to whichever source is chosen (exactly one cache; with `assumeRole`, the same
   * windows for the base set's cache, whose events go to the logger but not to `onEvent`).
   */
  refresh?: RefreshOptions;
  /**
   * Send the chosen source's calls to AWS — STS AssumeRoleWithWebIdentity, IAM Roles Anywhere CreateSession — through
   * an HTTP proxy: `"env"` (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`) or a proxy URL. A `proxy` inside `webIdentity`
   * or `rolesAnywhere` wins. EKS Pod Identity (a link-local agent), the SDK chain fallback and `assumeRole` do not use it.
   * @defaultValue no proxy, whatever the environment says
   */
  proxy?: ProxySetting;
  /** Receives the choice (once, at `info`), refresh state changes and the SDK's debug lines. @defaultValue none */
  logger?: Logger;
}
