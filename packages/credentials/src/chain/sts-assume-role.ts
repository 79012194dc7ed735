// STS AssumeRole signed with the base credentials: the second link of a role chain. The SDK's STS package is loaded at
// the first chained refresh, so configurations without `assumeRole` never load it for this.
import type { AssumeRoleCommandOutput } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity, AwsIdentityProperties } from "@aws-sdk/types";
import { describeError, ENV_STS_REGIONAL_ENDPOINTS, readEnv, resolveStsRegion, stsSessionCredentials } from "@workload-identity/core";
import { AssumeRoleError, type AssumeRoleErrorCode } from "../errors.js";
import type { ResolvedAssumeRoleOptions } from "./assume-role-options.js";

export type CallerClientConfig = NonNullable<AwsIdentityProperties["callerClientConfig"]>;

/** One AssumeRole call: the base credentials that sign it, and the config of the client the result is for. */
export type AssumeRoleCall = (base: AwsCredentialIdentity, caller: CallerClientConfig | undefined) => Promise<AwsCredentialIdentity>;

type StsModule = typeof import("@aws-sdk/client-sts");

interface SdkError {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly Code?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string };
}

/** The AssumeRole call for these options; the STS package is loaded once, a client is built per call. */
export function createAssumeRoleCall(options: ResolvedAssumeRoleOptions): AssumeRoleCall {
  let sts: Promise<StsModule> | undefined;
  const load = (): Promise<StsModule> => {
    if (sts === undefined) {
      sts = import("@aws-sdk/client-sts");
      sts.catch(() => {
        sts = undefined;
      });
    }
    return sts;
  };
  return async (base, caller) => {
    const module = await load();
    const { clientConfig } = options;
    const region = await resolveStsRegion(clientConfig.region, caller?.region);
    if (region === undefined) {
      throw new AssumeRoleError("ASSUME_ROLE_REGION_MISSING", options.roleArn, noAnswer(), "no region for the STS endpoint.");
    }
    // A client per call: the base credentials change at every refresh, and refreshes are minutes apart.
    const client = new module.STSClient({
      maxAttempts: 3,
      // The SDK's default handler has no timeouts at all.
      requestHandler: { connectionTimeout: options.connectTimeoutMs, requestTimeout: options.timeoutMs },
      ...clientConfig,
      region,
      useGlobalEndpoint: clientConfig.useGlobalEndpoint ?? readEnv(ENV_STS_REGIONAL_ENDPOINTS) === "legacy",
      credentials: base,
    });
    try {
      const output = await client.send(
        new module.AssumeRoleCommand({
          RoleArn: options.roleArn,
          RoleSessionName: options.roleSessionName,
          DurationSeconds: options.durationSeconds,
          ...(options.externalId === undefined ? {} : { ExternalId: options.externalId }),
          ...(options.policy === undefined ? {} : { Policy: options.policy }),
        }),
        // The total deadline of the call, the SDK's retries included.
        { abortSignal: AbortSignal.timeout(options.timeoutMs) },
      );
      return toCredentials(output, options.roleArn);
    } finally {
      client.destroy();
    }
  };
}

function noAnswer(): { stsCode: undefined; requestId: undefined; httpStatusCode: undefined } {
  return { stsCode: undefined, requestId: undefined, httpStatusCode: undefined };
}

function toCredentials(output: AssumeRoleCommandOutput, roleArn: string): AwsCredentialIdentity {
  const credentials = stsSessionCredentials(output);
  if (credentials === undefined) {
    throw new AssumeRoleError(
      "ASSUME_ROLE_FAILED",
      roleArn,
      { stsCode: "InvalidResponse", requestId: output.$metadata.requestId, httpStatusCode: output.$metadata.httpStatusCode },
      "the answer has no complete Credentials: is the endpoint (AWS_ENDPOINT_URL_STS, clientConfig.endpoint) really STS?",
    );
  }
  return credentials;
}

/** STS's error as an {@link AssumeRoleError} naming the role asked for; ours pass through. */
export function toAssumeRoleError(error: unknown, roleArn: string, baseRefused: boolean): AssumeRoleError {
  if (error instanceof AssumeRoleError) return error;
  const sdkError = (error ?? {}) as SdkError;
  const stsCode = typeof sdkError.Code === "string" ? sdkError.Code : typeof sdkError.name === "string" ? sdkError.name : undefined;
  const httpStatusCode = sdkError.$metadata?.httpStatusCode;
  const code: AssumeRoleErrorCode = baseRefused
    ? "ASSUME_ROLE_BASE_CREDENTIALS_REFUSED"
    : stsCode === "AbortError" || stsCode === "TimeoutError"
      ? "ASSUME_ROLE_TIMEOUT"
      : stsCode === "AccessDenied" || httpStatusCode === 403
        ? "ASSUME_ROLE_ACCESS_DENIED"
        : "ASSUME_ROLE_FAILED";
  return new AssumeRoleError(
    code,
    roleArn,
    { stsCode, requestId: sdkError.$metadata?.requestId, httpStatusCode },
    `${describeError(error)}.`,
    error,
  );
}
