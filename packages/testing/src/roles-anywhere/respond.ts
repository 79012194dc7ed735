// The restJson1 answers of CreateSession: the session document on 201, `{ message }` with x-amzn-ErrorType on errors.
import type { X509Certificate } from "node:crypto";
import type { EmulatorAnswer } from "../harness/emulator-server.js";
import { type AssumedRole, isoSeconds, type SessionCredentials } from "../harness/session-credentials.js";
import type { RolesAnywhereError } from "./service-error.js";

/** CreateSession's output. */
export interface CreateSessionResponse {
  credentialSet: {
    assumedRoleUser: { arn: string; assumedRoleId: string };
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: string };
    packedPolicySize: number;
    roleArn: string;
    sourceIdentity: string;
  }[];
  subjectArn: string;
}

/** What goes into a session document. */
export interface IssuedSession {
  readonly leaf: X509Certificate;
  readonly roleArn: string;
  readonly role: AssumedRole;
  readonly credentials: SessionCredentials;
  /** `arn:aws:rolesanywhere:REGION:ACCOUNT:subject/ID` */
  readonly subjectArn: string;
}

/** The session document. */
export function sessionDocument(session: IssuedSession): CreateSessionResponse {
  const { credentials } = session;
  return {
    credentialSet: [
      {
        assumedRoleUser: { arn: session.role.arn, assumedRoleId: session.role.assumedRoleId },
        credentials: {
          accessKeyId: credentials.accessKeyId,
          secretAccessKey: credentials.secretAccessKey,
          sessionToken: credentials.sessionToken,
          expiration: isoSeconds(credentials.expiration),
        },
        packedPolicySize: 12,
        roleArn: session.roleArn,
        sourceIdentity: session.leaf.subject.split("\n").find((part) => part.startsWith("CN=")) ?? "",
      },
    ],
    subjectArn: session.subjectArn,
  };
}

/** 201 with the session document. */
export function sessionAnswer(document: CreateSessionResponse, requestId: string): EmulatorAnswer {
  return {
    status: 201,
    headers: { "content-type": "application/json", "x-amzn-RequestId": requestId },
    body: JSON.stringify(document),
  };
}

/** The error's status, type header and `{ message }`. */
export function errorAnswer(error: RolesAnywhereError, requestId: string): EmulatorAnswer {
  return {
    status: error.status,
    headers: { "content-type": "application/json", "x-amzn-ErrorType": error.type, "x-amzn-RequestId": requestId },
    body: JSON.stringify({ message: error.message }),
  };
}
