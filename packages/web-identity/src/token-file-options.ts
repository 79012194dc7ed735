import type { STSClient, STSClientConfig } from "@aws-sdk/client-sts";
import type { Logger } from "@aws-sdk/types";
import type { ProxySetting } from "@workload-identity/core";
import type { RefreshOptions } from "@workload-identity/refresh";
import type { StsRetryOptions, StsTimeouts } from "./assume-role.js";

/** Options of `createTokenFileSource`: the source alone, uncached. Each one beats its environment variable. */
export interface TokenFileSourceInit {
  /**
   * Path of the web identity token (a JWT), re-read at every refresh.
   * @defaultValue process.env.AWS_WEB_IDENTITY_TOKEN_FILE
   */
  webIdentityTokenFile?: string;
  /**
   * The role to assume.
   * @defaultValue process.env.AWS_ROLE_ARN
   */
  roleArn?: string;
  /**
   * The session name CloudTrail shows; 2–64 characters of `[\w+=,.@-]`.
   * @defaultValue process.env.AWS_ROLE_SESSION_NAME, else `NAMESPACE.SERVICEACCOUNT@xxxxxx` from the token's subject
   */
  roleSessionName?: string;
  /**
   * Lifetime of the role session, 900–43200 and at most the role's maximum session duration.
   * @defaultValue STS's default, 3600
   */
  durationSeconds?: number;
  /** An inline session policy (JSON) narrowing the role's permissions. */
  policy?: string;
  /** Managed session policies narrowing the role's permissions. */
  policyArns?: { arn: string }[];
  /**
   * Configuration of the STS client this provider builds (once, at the first refresh). Its region wins over
   * AWS_REGION; endpoint settings (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL) are resolved by the client itself.
   * @defaultValue `{ maxAttempts: 1 }` (this provider retries STS itself)
   */
  clientConfig?: STSClientConfig;
  /**
   * A ready STS client to use instead of building one; `clientConfig` is then ignored. Give it `maxAttempts: 1`:
   * its own retries would multiply with `stsRetry`.
   */
  stsClient?: STSClient;
  /** Receives one line per refresh and per retry; never a token or a credential. */
  logger?: Logger;
  /** Retries of STS failures inside one refresh. */
  stsRetry?: StsRetryOptions;
  /**
   * Deadlines of each STS call: `connectTimeoutMs` (default 3000) to open the connection, `timeoutMs` (default 5000)
   * for the whole call. With the default retries a refresh gives up within about 22 s, under `withRefresh`'s
   * `refreshTimeoutMs`. A `clientConfig.requestHandler` of your own replaces the connect timeout, not the deadline.
   */
  stsTimeouts?: StsTimeouts;
  /**
   * Send the STS calls through an HTTP proxy: `"env"` reads `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY`
   * (either case) at each call; a URL such as `http://user:pass@proxy:3128` is used for every call. The tunnel must
   * open within `stsTimeouts.connectTimeoutMs`; the proxy's password is never printed. A proxy that cannot be reached
   * or refuses the tunnel fails with `PROXY_FAILED`, naming it. Not used by a `stsClient` of your own, nor with a
   * `clientConfig.requestHandler`.
   * @defaultValue no proxy, whatever the environment says
   */
  proxy?: ProxySetting;
  /**
   * The clock, in milliseconds since the epoch, that checks the token's `exp` and `nbf`.
   * @defaultValue Date.now
   */
  now?: () => number;
  /**
   * The random source, [0, 1), of the session name's suffix and of the jitter between STS retries. For tests.
   * @defaultValue Math.random
   */
  random?: () => number;
  /**
   * How to wait between retries. For tests.
   * @defaultValue a setTimeout promise
   */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Reads the token file. For tests.
   * @defaultValue fs.promises.readFile(path, "utf8")
   */
  readFile?: (path: string) => Promise<string>;
}


/** Options of {@link fromTokenFile}: those of the source, and the cache's. Each one beats its environment variable. */
export interface FromTokenFileInit extends TokenFileSourceInit {
  /**
   * Cache and refresh windows, passed to `withRefresh`. Its `now` and `random` default to the ones above, so one
   * injected clock governs the whole provider.
   */
  refresh?: RefreshOptions;
}
