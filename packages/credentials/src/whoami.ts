import { type FromEnvironmentAwareInit, sharedProvider } from "./from-environment-aware.js";
import { sharedEntryOf } from "./shared-cache.js";
import type { CredentialSourceName } from "./select-source.js";

/** How long opening the connection to STS may take. */
const STS_CONNECT_TIMEOUT_MS = 3_000;
/** How long the GetCallerIdentity call may take in all (the SDK retries inside it). */
const STS_TIMEOUT_MS = 10_000;

/** Options of {@link whoami}. */
export interface WhoamiInit extends FromEnvironmentAwareInit {
  /**
   * The region of the STS endpoint asked. `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL` are honoured by the client.
   * @defaultValue `AWS_REGION`, else `AWS_DEFAULT_REGION`, else `us-east-1` (STS answers GetCallerIdentity anywhere)
   */
  region?: string;
}

/** Who the chosen credentials belong to, as STS `GetCallerIdentity` says. */
export interface WhoamiResult {
  account: string;
  arn: string;
  userId: string;
  source: CredentialSourceName | "none";
  region: string;
  /** For the SDK chain: which link answered. */
  link?: string;
}

/**
 * Resolves credentials as `fromEnvironmentAware(init)` does and asks STS `GetCallerIdentity` who they are.
 *
 * @throws the provider's error (e.g. `HALF_CONFIGURED_WEB_IDENTITY`), or STS's
 */
export async function whoami(init: WhoamiInit = {}): Promise<WhoamiResult> {
  const { region: regionOption, ...providerInit } = init;
  const provider = sharedProvider(providerInit, process.env);
  const credentials = await provider();
  const entry = sharedEntryOf(provider);
  const region = regionOption ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
  const { GetCallerIdentityCommand, STSClient } = await import("@aws-sdk/client-sts");
  const client = new STSClient({
    region,
    credentials,
    // The SDK's default handler has no timeouts: a hung endpoint must fail, not wait.
    requestHandler: { connectionTimeout: STS_CONNECT_TIMEOUT_MS, requestTimeout: STS_TIMEOUT_MS },
  });
  try {
    const identity = await client.send(new GetCallerIdentityCommand({}), {
      abortSignal: AbortSignal.timeout(STS_TIMEOUT_MS),
    });
    const link = entry?.state.link;
    return {
      account: identity.Account ?? "",
      arn: identity.Arn ?? "",
      userId: identity.UserId ?? "",
      source: entry?.decision?.source ?? "none",
      region,
      ...(link === undefined ? {} : { link }),
    };
  } finally {
    client.destroy();
  }
}
