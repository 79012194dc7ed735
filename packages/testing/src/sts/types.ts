import type { EmulatorControls } from "../harness/emulator-controls.js";

/** A role the emulator can hand out, with its trust condition. */
export interface StsEmulatorRole {
  /** `arn:aws:iam::ACCOUNT:role/NAME` */
  arn: string;
  /** The OIDC issuer trusted by this role (the token's `iss`). */
  issuer: string;
  /** The trust condition on `sub`; `*` matches any run of characters, as in IAM `StringLike`. */
  allowedSubjects: string[];
  /** The trust condition on `aud`. @defaultValue "sts.amazonaws.com" */
  audience?: string;
}

/** A role that sessions of other roles may assume (AssumeRole: role chaining), with its trust policy. */
export interface StsChainedRole {
  /** `arn:aws:iam::ACCOUNT:role/NAME` */
  arn: string;
  /** The roles whose sessions its trust policy allows to assume it (`"Principal": { "AWS": ROLE_ARN }`). */
  trustedRoleArns: string[];
  /** The `sts:ExternalId` its trust policy requires. @defaultValue none required */
  externalId?: string;
}

/** Options of {@link startStsEmulator}. */
export interface StsEmulatorOptions {
  /** The roles it can hand out; a token whose `iss` no role trusts is refused as STS refuses an unknown provider. */
  roles: StsEmulatorRole[];
  /** Roles to hand out to AssumeRole, signed with credentials this emulator issued. @defaultValue none */
  chainedRoles?: StsChainedRole[];
  /** Lifetime of issued credentials. @defaultValue the request's DurationSeconds, else 3600 */
  credentialLifetimeSeconds?: number;
  /** The emulator's clock, in milliseconds since the epoch: token expiry and credential expiration use it. */
  now?: () => number;
}

/** One request the emulator received. Carries no secret. */
export interface StsCall {
  /** The Query `Action`, e.g. `AssumeRoleWithWebIdentity`. */
  readonly action: string;
  readonly roleArn?: string;
  readonly roleSessionName?: string;
  /** The verified (or, for rejected tokens, decoded) `sub` of the web identity token. */
  readonly subject?: string;
  /** The token's `jti`, to tell two tokens apart without keeping them. */
  readonly tokenId?: string;
  readonly durationSeconds?: number;
  /** The HTTP status answered. */
  readonly status: number;
  /** The `<Code>` of the error answered, e.g. `AccessDenied`. */
  readonly errorCode?: string;
  /** The request id sent back (header `x-amzn-RequestId` and the XML). */
  readonly requestId: string;
  /** Whether the request carried a SigV4 `Authorization` header (AssumeRoleWithWebIdentity should not). */
  readonly signed: boolean;
}

/** A failure to inject into the next AssumeRoleWithWebIdentity calls (AssumeRole gets none). */
export type StsFault =
  | { kind: "http-500" }
  | { kind: "throttling" }
  | { kind: "idp-communication-error" }
  | { kind: "invalid-identity-token" }
  | { kind: "delay"; ms: number }
  /** Accept the request and never answer (until `close`). */
  | { kind: "hang" }
  /** A 400 whose message quotes the whole request, token included, as a careless endpoint or proxy would. */
  | { kind: "echo-request" }
  /** A 200 cut off after these credentials: the SDK then fails to parse a body that holds secrets. */
  | { kind: "truncated-success"; secretAccessKey: string; sessionToken: string };

/**
 * A running STS emulator. `callCount` counts AssumeRoleWithWebIdentity calls (faulted and hung ones included);
 * `calls` holds every answered request, GetCallerIdentity included.
 */
export interface StsEmulator extends EmulatorControls<StsCall, StsFault> {
  /** The credentials handed out so far, without their secrets. */
  credentialsIssued(): readonly { accessKeyId: string; assumedRoleArn: string; expiration: Date }[];
}

/** A call's record while it is being handled. */
export type StsCallDraft = { -readonly [K in keyof StsCall]?: StsCall[K] } & { action: string };
