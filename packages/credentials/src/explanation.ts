import type { CredentialSourceName } from "./source-name.js";

/** A variable that decided the choice. Secret or inline values are shown as `(set)` or `(inline PEM)`. */
export interface ExplainedVariable {
  readonly name: string;
  readonly value: string;
}

/** What `explain` reports: which source, why, and what it saw. Never a token, key, secret or passphrase. */
export interface Explanation {
  /** The source chosen; `none` when nothing is configured and `fallback: false`. */
  source: CredentialSourceName | "none";
  /** A human sentence: why this source. */
  reason: string;
  /** The variables that decided it. */
  variables: ExplainedVariable[];
  /** Sources configured too that lose to this one. */
  ignored: CredentialSourceName[];
  /** Things worth a look (expired token or certificate, key mismatch, ignored half configurations). */
  warnings: string[];
  /** Set when the configuration is unusable or resolving failed: the stable code and the message. */
  error?: { code: string; message: string; missing?: string[] };
  /** Web identity (IRSA): the token file and its claims, decoded without verification. */
  webIdentity?: {
    tokenFile?: string;
    roleArn?: string;
    roleSessionName?: string;
    token?: {
      issuer?: string;
      subject?: string;
      audience: string[];
      expiresAt?: string;
      issuedAt?: string;
      expired?: boolean;
    };
    tokenError?: string;
  };
  /** EKS Pod Identity: where credentials come from and whether the token file is readable. */
  podIdentity?: { endpoint: string; authorizationTokenFile: string; tokenFileReadable: boolean };
  /** IAM Roles Anywhere: the ARNs and the certificate's public details. */
  rolesAnywhere?: {
    certificate: string;
    trustAnchorArn: string;
    profileArn: string;
    roleArn: string;
    sessionDurationSeconds?: number;
    certificateSummary?: {
      subject: string;
      issuer: string;
      serialNumber: string;
      validFrom: string;
      validTo: string;
      expired: boolean;
      keyMatches?: boolean;
    };
    certificateError?: string;
  };
  /** The SDK chain fallback: the profile and which link answered (after a resolve). */
  sdkChain?: { profile?: string; link?: string };
  /**
   * Role chaining (the `assumeRole` option): the second link. The first is the source above (`source`, and its
   * section); `credentials` are the chained ones.
   */
  assumeRole?: {
    /** The source whose credentials sign AssumeRole. */
    base: CredentialSourceName | "none";
    /** The role of the base credentials, when the base source names one (web identity, Roles Anywhere). */
    baseRoleArn?: string;
    /** The role assumed with them. */
    roleArn: string;
    roleSessionName: string;
    durationSeconds: number;
    externalId?: string;
    /** Whether a session policy narrows the chained session. */
    sessionPolicy: boolean;
    /** After a resolve: the expiration of the base credentials. */
    baseCredentials?: { expiration: string | null };
  };
  /** After a resolve: the expiration of the current credentials (`null`: they do not expire). */
  credentials?: { expiration: string | null };
}

