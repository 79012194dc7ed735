import { randomUUID, type X509Certificate } from "node:crypto";
import { assumedRole, newSessionCredentials } from "../harness/session-credentials.js";
import { type CreateSessionResponse, sessionDocument } from "./respond.js";
import type { SessionRequest } from "./validate-request.js";

/** Issues sessions and remembers them (without secrets), and the subject id given to each certificate subject. */
export interface SessionIssuer {
  issue(session: SessionRequest, leaf: X509Certificate, scopeRegion: string): CreateSessionResponse;
  issued(): readonly { accessKeyId: string; roleArn: string; expiration: Date }[];
}

/** A session issuer on `now`; credentials live `credentialLifetimeSeconds`, else as requested, else an hour. */
export function createSessionIssuer(now: () => number, credentialLifetimeSeconds: number | undefined): SessionIssuer {
  const issued: { accessKeyId: string; roleArn: string; expiration: Date }[] = [];
  const subjectIds = new Map<string, string>();
  const subjectIdOf = (leaf: X509Certificate): string => {
    const subject = leaf.subject.split("\n").join(",");
    const id = subjectIds.get(subject) ?? randomUUID();
    subjectIds.set(subject, id);
    return id;
  };
  return {
    issue(session, leaf, scopeRegion) {
      const { roleArn, durationSeconds, roleSessionName } = session;
      const credentials = newSessionCredentials(now(), credentialLifetimeSeconds ?? durationSeconds ?? 3600);
      issued.push({ accessKeyId: credentials.accessKeyId, roleArn, expiration: credentials.expiration });
      const role = assumedRole(roleArn, roleSessionName ?? leaf.serialNumber.toLowerCase());
      const subjectArn = `arn:aws:rolesanywhere:${scopeRegion}:${role.account}:subject/${subjectIdOf(leaf)}`;
      return sessionDocument({ leaf, roleArn, role, credentials, subjectArn });
    },
    issued: () => issued.slice(),
  };
}
