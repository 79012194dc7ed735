import { type AssumedRole, assumedRole, newSessionCredentials, type SessionCredentials } from "../harness/session-credentials.js";

/** Credentials the emulator issued, without their secrets. */
export interface IssuedSession {
  readonly accessKeyId: string;
  /** The role the session is of: `arn:aws:iam::ACCOUNT:role/NAME`. */
  readonly roleArn: string;
  readonly assumedRoleArn: string;
  readonly assumedRoleId: string;
  readonly account: string;
  readonly expiration: Date;
}

/** The credentials STS handed out, found again by access key id when they sign a call. */
export interface IssuedCredentials {
  /** Issues credentials for a session of `roleArn` and remembers them. */
  issue(roleArn: string, sessionName: string, nowMs: number, lifetimeSeconds: number): { credentials: SessionCredentials; role: AssumedRole };
  find(accessKeyId: string): IssuedSession | undefined;
  list(): readonly { accessKeyId: string; assumedRoleArn: string; expiration: Date }[];
}

/** An empty registry. */
export function createIssuedCredentials(): IssuedCredentials {
  const issued = new Map<string, IssuedSession>();
  return {
    issue(roleArn, sessionName, nowMs, lifetimeSeconds) {
      const credentials = newSessionCredentials(nowMs, lifetimeSeconds);
      const role = assumedRole(roleArn, sessionName);
      const { accessKeyId, expiration } = credentials;
      issued.set(accessKeyId, { accessKeyId, roleArn, assumedRoleArn: role.arn, assumedRoleId: role.assumedRoleId, account: role.account, expiration });
      return { credentials, role };
    },
    find: (accessKeyId) => issued.get(accessKeyId),
    list: () => [...issued.values()].map(({ accessKeyId, assumedRoleArn, expiration }) => ({ accessKeyId, assumedRoleArn, expiration })),
  };
}
