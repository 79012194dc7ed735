// STS's Query protocol answers: the XML envelopes of a result and of an error, and the result bodies.
import type { EmulatorAnswer } from "../harness/emulator-server.js";
import { isoSeconds, type SessionCredentials } from "../harness/session-credentials.js";
import type { RawAnswer, StsError } from "./sts-error.js";

/** The STS API namespace of every answer. */
export const XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";

/** `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…` with a length. */
export function resultAnswer(action: string, result: string, requestId: string): EmulatorAnswer {
  return xmlAnswer(
    200,
    requestId,
    `<${action}Response xmlns="${XMLNS}"><${action}Result>${result}</${action}Result>` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
  );
}

/** `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>` with its status. */
export function errorAnswer(error: StsError, requestId: string): EmulatorAnswer {
  return xmlAnswer(
    error.status,
    requestId,
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${error.type}</Type><Code>${error.code}</Code>` +
      `<Message>${xml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  );
}

/** A fault's answer, sent as it is (no length: a cut-off body goes out chunked). */
export function rawAnswer(answer: RawAnswer, requestId: string): EmulatorAnswer {
  return { status: answer.status, headers: { "content-type": "text/xml", "x-amzn-requestid": requestId }, body: answer.body };
}

/** What AssumeRoleWithWebIdentityResult holds. */
export interface WebIdentitySession {
  readonly subject: string;
  readonly audience: string;
  readonly assumedRoleId: string;
  readonly assumedRoleArn: string;
  readonly credentials: SessionCredentials;
  /** `arn:aws:iam::ACCOUNT:oidc-provider/HOST/PATH` */
  readonly provider: string;
}

/** The body of AssumeRoleWithWebIdentityResult. */
export function webIdentityResult(session: WebIdentitySession): string {
  return (
    `<SubjectFromWebIdentityToken>${xml(session.subject)}</SubjectFromWebIdentityToken>` +
    `<Audience>${xml(session.audience)}</Audience>` +
    assumedRoleUserXml(session) +
    credentialsXml(session.credentials) +
    `<Provider>${xml(session.provider)}</Provider>`
  );
}

function assumedRoleUserXml(session: AssumedRoleSession): string {
  return `<AssumedRoleUser><AssumedRoleId>${xml(session.assumedRoleId)}</AssumedRoleId><Arn>${xml(session.assumedRoleArn)}</Arn></AssumedRoleUser>`;
}

function credentialsXml(credentials: SessionCredentials): string {
  return (
    "<Credentials>" +
    `<AccessKeyId>${credentials.accessKeyId}</AccessKeyId>` +
    `<SecretAccessKey>${credentials.secretAccessKey}</SecretAccessKey>` +
    `<SessionToken>${credentials.sessionToken}</SessionToken>` +
    `<Expiration>${isoSeconds(credentials.expiration)}</Expiration>` +
    "</Credentials>"
  );
}

/** What AssumeRoleResult holds. */
export type AssumedRoleSession = Pick<WebIdentitySession, "assumedRoleId" | "assumedRoleArn" | "credentials">;

/** The body of AssumeRoleResult. */
export function assumeRoleResult(session: AssumedRoleSession): string {
  return credentialsXml(session.credentials) + assumedRoleUserXml(session);
}

/** The body of GetCallerIdentityResult. */
export function callerIdentityResult(caller: { assumedRoleArn: string; assumedRoleId: string; account: string }): string {
  return `<Arn>${xml(caller.assumedRoleArn)}</Arn><UserId>${xml(caller.assumedRoleId)}</UserId><Account>${caller.account}</Account>`;
}

function xmlAnswer(status: number, requestId: string, payload: string): EmulatorAnswer {
  return {
    status,
    headers: { "content-type": "text/xml", "x-amzn-requestid": requestId, "content-length": Buffer.byteLength(payload) },
    body: payload,
  };
}

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}
