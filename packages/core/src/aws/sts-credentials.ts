// One rule for what an STS answer (AssumeRole, AssumeRoleWithWebIdentity) gives: all four parts of the session's
// credentials or nothing, and the account read from the assumed role's ARN by the one ARN rule.
import { parseArn } from "./arn.js";

/** The parts of an STS `AssumeRole*` answer that make credentials; the SDK's command outputs fit it. */
export interface StsCredentialsOutput {
  /** The session's keys and expiry. */
  readonly Credentials?:
    | {
        readonly AccessKeyId?: string | undefined;
        readonly SecretAccessKey?: string | undefined;
        readonly SessionToken?: string | undefined;
        readonly Expiration?: Date | undefined;
      }
    | undefined;
  /** The assumed role session, `arn:PARTITION:sts::ACCOUNT:assumed-role/NAME/SESSION`. */
  readonly AssumedRoleUser?: { readonly Arn?: string | undefined } | undefined;
}

/** A role session's credentials; the SDK's `AwsCredentialIdentity` takes it as it is. */
export interface StsSessionCredentials {
  /** `ASIA…`, a temporary key id. */
  readonly accessKeyId: string;
  /** The secret that signs requests: a secret, never to be logged. */
  readonly secretAccessKey: string;
  /** The token every signed request carries: a secret too. */
  readonly sessionToken: string;
  /** When STS lets the session end. */
  readonly expiration: Date;
  /** The assumed role's account; absent when its ARN names none (STS-compatible servers without accounts). */
  readonly accountId?: string;
}

/**
 * The session credentials of an STS answer, with the account of `AssumedRoleUser.Arn`; `undefined` when a part is
 * missing, as when the endpoint answering is not really STS (the caller says so with its own coded error).
 */
export function stsSessionCredentials(output: StsCredentialsOutput): StsSessionCredentials | undefined {
  const credentials = output.Credentials;
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken || !credentials.Expiration) {
    return undefined;
  }
  const accountId = parseArn(output.AssumedRoleUser?.Arn ?? "")?.accountId;
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    expiration: credentials.Expiration,
    ...(accountId ? { accountId } : {}),
  };
}
