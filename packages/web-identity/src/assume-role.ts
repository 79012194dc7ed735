import type { AssumeRoleWithWebIdentityCommandInput, STSClient, STSClientConfig } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, AwsIdentityProperties, Logger } from "@aws-sdk/types";
import type { Agent } from "node:http";
import {
  backoffCeilingMs,
  fullJitterDelayMs,
  type ProxyError,
  type ProxySetting,
  resolveStsRegion,
  type StsCredentialsOutput,
  stsSessionCredentials,
} from "@workload-identity/core";
import { StsRequestError, type StsRequestErrorCode, WebIdentityConfigurationError } from "./errors.js";
import { ENV_STS_REGIONAL_ENDPOINTS, readEnv } from "./environment.js";

/** How the provider retries STS failures that are worth retrying. */
export interface StsRetryOptions {
  /**
   * Attempts per refresh for throttling, `IDPCommunicationError`, 5xx and network failures.
   * @defaultValue 4
   */
  maxAttempts?: number;
  /**
   * Attempts per refresh for `InvalidIdentityToken`: a newly published OIDC key can take a moment to reach STS.
   * @defaultValue 3
   */
  invalidIdentityTokenMaxAttempts?: number;
  /**
   * Ceiling of the first backoff; it doubles with each attempt (full jitter).
   * @defaultValue 200
   */
  baseDelayMs?: number;
  /**
   * Longest backoff.
   * @defaultValue 5000
   */
  maxDelayMs?: number;
}

/** Deadlines of each STS call. */
export interface StsTimeouts {
  /**
   * How long opening the connection may take, in milliseconds.
   * @defaultValue 3000
   */
  connectTimeoutMs?: number;
  /**
   * How long one call may take in all (connect, send, answer), in milliseconds.
   * @defaultValue 5000
   */
  timeoutMs?: number;
}

export type CallerClientConfig = NonNullable<AwsIdentityProperties["callerClientConfig"]>;

/** What the role assumer needs; everything is resolved by the factory. */
export interface RoleAssumerOptions {
  clientConfig: STSClientConfig | undefined;
  stsClient: STSClient | undefined;
  retry: Required<StsRetryOptions>;
  timeouts: Required<StsTimeouts>;
  logger: Logger | undefined;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** The caller client's config, captured from the identity properties the SDK passes. */
  callerClientConfig: () => CallerClientConfig | undefined;
  /** Send STS calls through this HTTP proxy (`"env"`: the proxy variables); `undefined`: connect directly. */
  proxy: ProxySetting | undefined;
}

export type RoleAssumer = (input: AssumeRoleWithWebIdentityCommandInput) => Promise<AwsCredentialIdentity>;

const RETRYABLE: ReadonlySet<string> = new Set(["Throttling", "ThrottlingException", "RequestLimitExceeded", "IDPCommunicationError"]);

type StsModule = typeof import("@aws-sdk/client-sts");

/** The STS client and the command class, loaded together. */
interface Sts {
  readonly client: STSClient;
  readonly module: StsModule;
}

/**
 * Creates the function that calls STS; one STS client, built at the first call and reused at every refresh. The SDK's
 * STS package is loaded then too, so importing this package (or one that re-exports it) stays cheap.
 */
export function createRoleAssumer(options: RoleAssumerOptions): RoleAssumer {
  let sts: Promise<Sts> | undefined;
  const getSts = (): Promise<Sts> => {
    if (sts === undefined) {
      sts = import("@aws-sdk/client-sts").then(async (module) => ({
        module,
        client: options.stsClient ?? (await buildClient(module, options)),
      }));
      sts.catch(() => {
        sts = undefined;
      });
    }
    return sts;
  };

  return async (input) => {
    const { client, module } = await getSts();
    let transientFailures = 0;
    let invalidTokenFailures = 0;
    for (;;) {
      try {
        // The total deadline of this call, whatever the client's own handler does (a hung STS must fail, not wait).
        const output = await client.send(new module.AssumeRoleWithWebIdentityCommand(input), {
          abortSignal: AbortSignal.timeout(options.timeouts.timeoutMs),
        });
        return toCredentials(output);
      } catch (error) {
        const failure = classify(error);
        let retry = false;
        if (failure.kind === "invalid-token") {
          invalidTokenFailures += 1;
          retry = invalidTokenFailures < options.retry.invalidIdentityTokenMaxAttempts;
        } else if (failure.kind === "transient") {
          transientFailures += 1;
          retry = transientFailures < options.retry.maxAttempts;
        }
        // A failure at the proxy names the proxy; it is not STS's answer.
        const mapped = isProxyError(error) ? error : toStsRequestError(error);
        if (!retry) throw mapped;
        const attempt = transientFailures + invalidTokenFailures;
        const ceilingMs = backoffCeilingMs(attempt, options.retry.baseDelayMs, options.retry.maxDelayMs);
        const delayMs = Math.round(fullJitterDelayMs(ceilingMs, options.random));
        const where = isProxyError(mapped) ? `proxy ${mapped.proxy}` : `request id ${mapped.requestId ?? "none"}`;
        options.logger?.warn?.(`web-identity: ${mapped.code} (${where}); retrying in ${delayMs} ms`);
        await options.sleep(delayMs);
      }
    }
  };
}

async function buildClient({ STSClient }: StsModule, options: RoleAssumerOptions): Promise<STSClient> {
  const config = options.clientConfig ?? {};
  const region = await resolveRegion(config.region, options.callerClientConfig());
  const useGlobalEndpoint = config.useGlobalEndpoint ?? readEnv(ENV_STS_REGIONAL_ENDPOINTS) === "legacy";
  options.logger?.debug?.(`web-identity: STS client for region ${region}`);
  return new STSClient({
    // Retries are ours: they know which STS errors are worth it and take an injectable sleep.
    maxAttempts: 1,
    // The SDK's default handler has no timeouts at all.
    requestHandler: await handlerOptions(options),
    ...config,
    region,
    useGlobalEndpoint,
    // The endpoint rules attach SigV4 to the global endpoint (AWS_STS_REGIONAL_ENDPOINTS=legacy), and the SDK lets
    // that override the operation's noAuth: it would then look for credentials to sign with. This client only ever
    // sends AssumeRoleWithWebIdentity, which is unsigned everywhere.
    httpAuthSchemeProvider: config.httpAuthSchemeProvider ?? (() => [{ schemeId: "smithy.api#noAuth" }]),
    // AssumeRoleWithWebIdentity is unsigned (the token is the proof). If anything ever asked this client for
    // credentials, fail instead of walking the default chain — which may lead back to this very provider.
    credentials:
      config.credentials ??
      (() => Promise.reject(new Error("web-identity: the STS client of fromTokenFile has no credentials; AssumeRoleWithWebIdentity is unsigned."))),
  });
}

/**
 * The NodeHttpHandler's options. With a proxy, the agent opens the tunnel within the connect timeout itself and says
 * which proxy failed; the handler's own connect timer, a second later, still bounds a direct connection (a host in
 * NO_PROXY).
 */
/** How much later than the proxy agent's tunnel deadline the handler's connect timer fires. */
const DIRECT_CONNECT_GRACE_MS = 1_000;

async function handlerOptions(options: RoleAssumerOptions): Promise<{ connectionTimeout?: number; requestTimeout: number; httpAgent?: Agent; httpsAgent?: Agent }> {
  const { connectTimeoutMs, timeoutMs } = options.timeouts;
  if (options.proxy === undefined) return { connectionTimeout: connectTimeoutMs, requestTimeout: timeoutMs };
  const { createStsProxyAgent } = await import("./sts-proxy-agent.js");
  const agent = createStsProxyAgent(options.proxy, connectTimeoutMs);
  return { connectionTimeout: connectTimeoutMs + DIRECT_CONNECT_GRACE_MS, requestTimeout: timeoutMs, httpAgent: agent, httpsAgent: agent };
}

/** On the property, not `instanceof`: the ESM and CommonJS builds of core each have their own class. */
function isProxyError(error: unknown): error is ProxyError {
  return (error as { code?: unknown } | null)?.code === "PROXY_FAILED";
}

async function resolveRegion(
  configured: STSClientConfig["region"],
  caller: CallerClientConfig | undefined,
): Promise<string> {
  const region = await resolveStsRegion(configured, caller?.region);
  if (region !== undefined) return region;
  throw new WebIdentityConfigurationError(
    "WEB_IDENTITY_REGION_MISSING",
    "No region for the STS endpoint: set AWS_REGION (or AWS_DEFAULT_REGION), pass clientConfig.region, or give the " +
      "client that uses these credentials a region. fromTokenFile never falls back to us-east-1 silently.",
  );
}

function toCredentials(output: StsCredentialsOutput & { $metadata?: { requestId?: string | undefined } }): AwsCredentialIdentity {
  const credentials = stsSessionCredentials(output);
  if (credentials === undefined) {
    throw new StsRequestError(
      "STS_INVALID_RESPONSE",
      { stsCode: "InvalidResponse", stsMessage: "the response has no complete Credentials.", requestId: output.$metadata?.requestId, httpStatusCode: 200 },
      "Check that the STS endpoint (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL or clientConfig.endpoint) is really STS.",
    );
  }
  return credentials;
}

interface SdkError {
  name?: unknown;
  message?: unknown;
  Code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/** The wire code: the SDK names modelled errors `…Exception` while STS sends `InvalidIdentityToken`. */
function stsCodeOf(error: SdkError): string {
  const name = typeof error.Code === "string" ? error.Code : typeof error.name === "string" ? error.name : "Error";
  const unsuffixed: Record<string, string> = {
    InvalidIdentityTokenException: "InvalidIdentityToken",
    IDPCommunicationErrorException: "IDPCommunicationError",
    IDPRejectedClaimException: "IDPRejectedClaim",
    MalformedPolicyDocumentException: "MalformedPolicyDocument",
    PackedPolicyTooLargeException: "PackedPolicyTooLarge",
  };
  return unsuffixed[name] ?? name;
}

function classify(error: unknown): { kind: "invalid-token" | "transient" | "final" } {
  if (error instanceof StsRequestError) return { kind: "final" };
  // A proxy that refuses the tunnel (403, 407) says so again at once; one that is down may come back.
  if (isProxyError(error)) return { kind: error.statusCode !== undefined && error.statusCode < 500 ? "final" : "transient" };
  const sdkError = (error ?? {}) as SdkError;
  const code = stsCodeOf(sdkError);
  if (code === "InvalidIdentityToken") return { kind: "invalid-token" };
  if (RETRYABLE.has(code)) return { kind: "transient" };
  const status = sdkError.$metadata?.httpStatusCode;
  if (status === undefined || status >= 500 || sdkError.$fault === "server") return { kind: "transient" };
  return { kind: "final" };
}

const TIMEOUT_ADVICE =
  "STS did not answer within stsTimeouts (connect 3 s, call 5 s by default): check the network path to the endpoint " +
  "(proxy, firewall, VPC endpoint, DNS); the provider retried, and retries again at the next refresh.";

const THROTTLING_ADVICE = "STS is throttling: the provider already retried with backoff; too many pods refresh at once?";

const ADVICE: Record<string, [StsRequestErrorCode, string]> = {
  InvalidIdentityToken: [
    "STS_INVALID_IDENTITY_TOKEN",
    "Check that the IAM OIDC provider for the token's issuer exists, lists the token's audience, and that the issuer's JWKS is reachable and holds the signing key.",
  ],
  ExpiredTokenException: ["STS_EXPIRED_TOKEN", "The projected token expired before STS saw it: check that the kubelet rotates it and the clocks."],
  AccessDenied: ["STS_ACCESS_DENIED", "Check the role's trust policy: its Federated principal, and the :sub and :aud conditions must match this service account."],
  IDPRejectedClaim: ["STS_IDP_REJECTED_CLAIM", "The identity provider rejected the claim: check the token's issuer."],
  IDPCommunicationError: ["STS_IDP_COMMUNICATION_ERROR", "STS could not reach the issuer's discovery document or JWKS: check that they are public."],
  PackedPolicyTooLarge: ["STS_PACKED_POLICY_TOO_LARGE", "Shorten the session policy (policy) or pass fewer policyArns."],
  MalformedPolicyDocument: ["STS_MALFORMED_POLICY_DOCUMENT", "Fix the session policy (policy): it must be a valid IAM policy JSON."],
  RegionDisabledException: ["STS_REGION_DISABLED", "Activate STS in this region for the account, or use another region."],
  Throttling: ["STS_THROTTLING", THROTTLING_ADVICE],
  ThrottlingException: ["STS_THROTTLING", THROTTLING_ADVICE],
  RequestLimitExceeded: ["STS_THROTTLING", THROTTLING_ADVICE],
  AbortError: ["STS_TIMEOUT", TIMEOUT_ADVICE],
  TimeoutError: ["STS_TIMEOUT", TIMEOUT_ADVICE],
  ValidationError: ["STS_VALIDATION_ERROR", "Check roleArn, roleSessionName, durationSeconds and the policy options."],
};

/** Keeps STS's code, request id and message; never the request (which holds the token). */
export function toStsRequestError(error: unknown): StsRequestError {
  if (error instanceof StsRequestError) return error;
  const sdkError = (error ?? {}) as SdkError;
  const stsCode = stsCodeOf(sdkError);
  const status = sdkError.$metadata?.httpStatusCode;
  const [code, advice] = ADVICE[stsCode] ?? [
    "STS_REQUEST_FAILED",
    status !== undefined && status >= 400 && status < 500
      ? `The endpoint refused the request with HTTP ${status} and a code this provider does not know: check the role's ` +
        "trust policy and the token's issuer and audience, and that the endpoint is STS."
      : "Check the network path to the STS endpoint and its region; the provider retries on the next refresh.",
  ];
  return new StsRequestError(
    code,
    {
      stsCode,
      stsMessage: typeof sdkError.message === "string" ? sdkError.message : String(error),
      requestId: sdkError.$metadata?.requestId,
      httpStatusCode: status,
    },
    advice,
    error,
  );
}
