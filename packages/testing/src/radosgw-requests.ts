import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import { RadosgwRequestError } from "./radosgw-errors.js";

/** Keys that sign a request to radosgw: the admin user's, or temporary ones issued by its STS. */
export interface RadosgwCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

/** What radosgw answered. */
export interface RadosgwResponse {
  readonly status: number;
  readonly body: string;
}

/** One SigV4-signed request to radosgw. */
export interface RadosgwRequest {
  /** "http://127.0.0.1:PORT" */
  readonly endpoint: string;
  readonly credentials: RadosgwCredentials;
  /** The SigV4 service name of the credential scope. */
  readonly service: "iam" | "s3" | "sts";
  /** @defaultValue "GET", or "POST" when `form` is given */
  readonly method?: "GET" | "POST" | "PUT" | "DELETE";
  /** @defaultValue "/" */
  readonly path?: string;
  /** A form-encoded body (the Query protocol of IAM and STS). */
  readonly form?: Readonly<Record<string, string>>;
}

/** radosgw does not check the region of the credential scope; any fixed one will do. */
const SIGNING_REGION = "us-east-1";

/** What the smithy signer hands a checksum (smithy's `SourceData`). */
type SourceData = string | ArrayBuffer | ArrayBufferView;

function toBytes(data: SourceData): string | Uint8Array {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** node:crypto behind the `Checksum` shape the smithy signer wants (HMAC when given a secret, SHA-256 otherwise). */
class NodeSha256 {
  readonly #secret: string | Uint8Array | undefined;
  #hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.#secret = secret === undefined ? undefined : toBytes(secret);
    this.#hash = this.#fresh();
  }

  update(data: SourceData): void {
    this.#hash.update(toBytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }

  reset(): void {
    this.#hash = this.#fresh();
  }

  #fresh(): Hash | Hmac {
    return this.#secret === undefined ? createHash("sha256") : createHmac("sha256", this.#secret);
  }
}

/** Signs a request with SigV4, as the AWS SDK would, sends it with fetch and returns radosgw's answer, errors included. */
export async function sendRadosgwRequest(request: RadosgwRequest): Promise<RadosgwResponse> {
  const url = new URL(request.path ?? "/", request.endpoint);
  const body = request.form === undefined ? undefined : new URLSearchParams(request.form).toString();
  const headers: Record<string, string> = { host: url.host };
  if (body !== undefined) headers["content-type"] = "application/x-www-form-urlencoded; charset=utf-8";
  const { accessKeyId, secretAccessKey, sessionToken } = request.credentials;
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) },
    region: SIGNING_REGION,
    service: request.service,
    sha256: NodeSha256,
    uriEscapePath: request.service !== "s3",
  });
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  const signed = await signer.sign({
    method: request.method ?? (body === undefined ? "GET" : "POST"),
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query,
    headers,
    body,
  });
  const response = await fetch(url, {
    method: signed.method,
    headers: signed.headers,
    ...(body === undefined ? {} : { body }),
  });
  return { status: response.status, body: await response.text() };
}

/** The text of the first `<tag>` element of an XML document, entities decoded; undefined when absent. */
export function xmlText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  if (match?.[1] === undefined) return undefined;
  return match[1].replace(/&(lt|gt|quot|apos|amp);/g, (_, name: string) => ENTITIES[name] ?? "");
}

const ENTITIES: Readonly<Record<string, string>> = { lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" };

/** A trust or permission policy document; sent as compact JSON (radosgw's parser dislikes some whitespace). */
export type RadosgwPolicyDocument = Readonly<Record<string, unknown>>;

/** The IAM calls a test needs to make radosgw trust an OIDC issuer, signed with a user that has the IAM caps. */
export interface RadosgwIam {
  /** `CreateOpenIDConnectProvider`; returns the provider ARN, `arn:aws:iam:::oidc-provider/HOST:PORT/PATH`. */
  createOpenIdConnectProvider(input: { url: string; clientIds: readonly string[]; thumbprints: readonly string[] }): Promise<string>;
  /** `CreateRole` with a trust policy; returns the role ARN. */
  createRole(input: { roleName: string; trustPolicy: RadosgwPolicyDocument; path?: string }): Promise<string>;
  /** `PutRolePolicy`: the permissions sessions of the role get. */
  putRolePolicy(input: { roleName: string; policyName: string; policy: RadosgwPolicyDocument }): Promise<void>;
  /** Any other IAM action; throws {@link RadosgwRequestError} on an error status. */
  call(action: string, parameters?: Readonly<Record<string, string>>): Promise<RadosgwResponse>;
}

/** IAM calls against radosgw at `endpoint`, signed with `credentials`. */
export function createRadosgwIam(endpoint: string, credentials: RadosgwCredentials): RadosgwIam {
  const call = async (action: string, parameters: Readonly<Record<string, string>> = {}): Promise<RadosgwResponse> => {
    const response = await sendRadosgwRequest({
      endpoint,
      credentials,
      service: "iam",
      form: { Action: action, Version: "2010-05-08", ...parameters },
    });
    if (response.status >= 300) throw new RadosgwRequestError(action, response.status, xmlText(response.body, "Code"));
    return response;
  };
  const required = (response: RadosgwResponse, action: string, tag: string): string => {
    const value = xmlText(response.body, tag);
    if (value === undefined) throw new RadosgwRequestError(`${action} (no <${tag}> in the answer)`, response.status, undefined);
    return value;
  };
  return {
    call,
    async createOpenIdConnectProvider({ url, clientIds, thumbprints }) {
      const parameters: Record<string, string> = { Url: url };
      clientIds.forEach((id, index) => (parameters[`ClientIDList.member.${index + 1}`] = id));
      thumbprints.forEach((print, index) => (parameters[`ThumbprintList.member.${index + 1}`] = print));
      const action = "CreateOpenIDConnectProvider";
      return required(await call(action, parameters), action, "OpenIDConnectProviderArn");
    },
    async createRole({ roleName, trustPolicy, path = "/" }) {
      const action = "CreateRole";
      const response = await call(action, {
        RoleName: roleName,
        Path: path,
        AssumeRolePolicyDocument: JSON.stringify(trustPolicy),
      });
      return required(response, action, "Arn");
    },
    async putRolePolicy({ roleName, policyName, policy }) {
      await call("PutRolePolicy", { RoleName: roleName, PolicyName: policyName, PolicyDocument: JSON.stringify(policy) });
    },
  };
}
