// STS AssumeRole behind an SDK client's requestHandler: the real STSClient serializes, signs and parses; this answers
// as STS does (Query protocol in, XML out) and records who signed each call and what it asked.
import { Readable } from "node:stream";

export interface AssumeRoleRequest {
  readonly signedBy: string;
  readonly params: Record<string, string>;
}

export type StsAnswer = { status: number; body: string } | "hang";

export const assumeRoleResponse = (accessKeyId: string, expiration: Date) => ({
  status: 200,
  body:
    `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>` +
    `<AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>chained-secret-${"z".repeat(30)}</SecretAccessKey>` +
    `<SessionToken>chained-token-${"w".repeat(30)}</SessionToken><Expiration>${expiration.toISOString()}</Expiration>` +
    `</Credentials><AssumedRoleUser><Arn>arn:aws:sts::444455556666:assumed-role/reports/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId>` +
    `</AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></AssumeRoleResponse>`,
});

export const stsError = (code: string, status: number) => ({
  status,
  body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${code} says no</Message></Error><RequestId>req-2</RequestId></ErrorResponse>`,
});

/** STS behind the AssumeRole client's requestHandler: records who signed each call and what it asked. */
export function fakeSts(answer: (request: AssumeRoleRequest, index: number) => StsAnswer) {
  const requests: AssumeRoleRequest[] = [];
  const requestHandler = {
    handle: (request: { headers: Record<string, string>; body?: unknown }, options?: { abortSignal?: AbortSignal }) => {
      const signedBy = /Credential=([^/]+)\//.exec(request.headers["authorization"] ?? "")?.[1] ?? "(unsigned)";
      const params = Object.fromEntries(new URLSearchParams(String(request.body ?? "")));
      const recorded = { signedBy, params };
      requests.push(recorded);
      const index = requests.length - 1;
      const result = answer(recorded, index);
      if (result === "hang") {
        return new Promise((_, reject) => {
          options?.abortSignal?.addEventListener("abort", () => reject(Object.assign(new Error("aborted"), { name: "AbortError" })));
        });
      }
      return Promise.resolve({
        response: {
          statusCode: result.status,
          headers: { "content-type": "text/xml", date: new Date().toUTCString(), "x-amzn-requestid": `req-${index}` },
          body: Readable.from([Buffer.from(result.body)]),
        },
      });
    },
  };
  return { requestHandler, requests };
}
