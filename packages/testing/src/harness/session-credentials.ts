// The temporary credentials and assumed-role identity both emulators hand out, shaped as AWS's.
import { randomBytes } from "node:crypto";
import { randomId } from "./ids.js";

/** Temporary credentials as STS issues them. Test values, never real ones. */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

/** The identity a session of a role has. */
export interface AssumedRole {
  /** The role's account. @defaultValue "000000000000" when the ARN names none */
  readonly account: string;
  /** `arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION` */
  readonly arn: string;
  /** `AROA…:SESSION` */
  readonly assumedRoleId: string;
}

const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/;

/** When credentials issued at `nowMs` for `lifetimeSeconds` expire: whole seconds, as AWS's are. */
export function expiryAfter(nowMs: number, lifetimeSeconds: number): Date {
  return new Date(Math.floor(nowMs / 1000) * 1000 + lifetimeSeconds * 1000);
}

/** Fresh random credentials (`ASIA…`) expiring `lifetimeSeconds` after `nowMs`. */
export function newSessionCredentials(nowMs: number, lifetimeSeconds: number): SessionCredentials {
  return {
    accessKeyId: `ASIA${randomId(16)}`,
    secretAccessKey: randomBytes(30).toString("base64"),
    sessionToken: randomBytes(192).toString("base64"),
    expiration: expiryAfter(nowMs, lifetimeSeconds),
  };
}

/** The session `sessionName` of the role `roleArn` (its path left out, as STS does). */
export function assumedRole(roleArn: string, sessionName: string): AssumedRole {
  const match = ROLE_ARN.exec(roleArn);
  const account = match?.[1] ?? "000000000000";
  const roleName = match?.[2] ?? "role";
  return {
    account,
    arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
    assumedRoleId: `AROA${randomId(17)}:${sessionName}`,
  };
}

/** An instant as AWS's APIs write it: ISO 8601 without milliseconds. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
