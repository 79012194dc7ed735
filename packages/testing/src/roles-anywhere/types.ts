import type { EmulatorControls } from "../harness/emulator-controls.js";

/** A trust anchor: its ARN and the CA certificate (PEM) that client certificates must chain to. */
export interface EmulatedTrustAnchor {
  arn: string;
  caCertificatePem: string;
}

/** A profile: its ARN and the roles it may hand out. */
export interface EmulatedProfile {
  arn: string;
  roleArns: string[];
}

/** Options of {@link startRolesAnywhereEmulator}. */
export interface RolesAnywhereEmulatorOptions {
  trustAnchors: EmulatedTrustAnchor[];
  profiles: EmulatedProfile[];
  /** @defaultValue the request's durationSeconds, else 3600 */
  credentialLifetimeSeconds?: number;
  /** The clock, in ms since the epoch. @defaultValue Date.now */
  now?: () => number;
  /** @defaultValue 300000 (5 minutes, as the service) */
  maxClockSkewMs?: number;
}

/** A fault served instead of the normal answer (`delay` waits, then answers normally). */
export type RolesAnywhereFault = { kind: "http-500" } | { kind: "access-denied" } | { kind: "delay"; ms: number };

/** One CreateSession call as the emulator saw it. No secret is recorded. */
export interface RolesAnywhereCall {
  readonly status: number;
  readonly errorType?: string | undefined;
  readonly errorMessage?: string | undefined;
  readonly requestId: string;
  readonly algorithm?: string | undefined;
  readonly signedHeaders?: string | undefined;
  /** The `Host` header the request arrived with (part of the signature). */
  readonly host?: string | undefined;
  /** The region of the Authorization credential's scope. */
  readonly scopeRegion?: string | undefined;
  /** The certificate's serial number in decimal, from the Authorization credential. */
  readonly serialNumber?: string | undefined;
  readonly chainLength: number;
  readonly trustAnchorArn?: string | undefined;
  readonly profileArn?: string | undefined;
  readonly roleArn?: string | undefined;
  readonly roleSessionName?: string | undefined;
  readonly durationSeconds?: number | undefined;
  /** The access key id issued, on success. */
  readonly accessKeyId?: string | undefined;
}

/** A running emulator; `callCount` counts CreateSession calls, failed ones included. */
export interface RolesAnywhereEmulator extends EmulatorControls<RolesAnywhereCall, RolesAnywhereFault> {
  /** Credentials issued so far (no secrets). */
  credentialsIssued(): readonly { accessKeyId: string; roleArn: string; expiration: Date }[];
}

/** A call's record, filled in as the request is checked. */
export type RolesAnywhereCallRecord = { -readonly [K in keyof RolesAnywhereCall]: RolesAnywhereCall[K] };
