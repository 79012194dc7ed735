import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, type JWTPayload, jwtVerify } from "jose";

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

/** Options of {@link startStsEmulator}. */
export interface StsEmulatorOptions {
  /** The roles it can hand out; a token whose `iss` no role trusts is refused as STS refuses an unknown provider. */
  roles: StsEmulatorRole[];
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

/** A failure to inject into the next AssumeRoleWithWebIdentity calls. */
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

/** A running STS emulator. */
export interface StsEmulator {
  /** "http://127.0.0.1:PORT" */
  readonly endpoint: string;
  /** AssumeRoleWithWebIdentity calls received, faulted ones included. */
  readonly callCount: number;
  /** Every request received, in order, with its outcome. */
  readonly calls: readonly StsCall[];
  /** Makes the next `times` AssumeRoleWithWebIdentity calls fail (or wait) this way. @defaultValue times 1 */
  injectFault(fault: StsFault, times?: number): void;
  /** Drops the faults not yet applied. */
  clearFaults(): void;
  /** The credentials handed out so far, without their secrets. */
  credentialsIssued(): readonly { accessKeyId: string; assumedRoleArn: string; expiration: Date }[];
  /** Stops the server. */
  close(): Promise<void>;
}

const XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const MAX_POLICY_CHARS = 2048;

type CallDraft = { -readonly [K in keyof StsCall]?: StsCall[K] };

/** An answer written as it is, for faults that break the protocol on purpose. */
class RawAnswer {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {}
}

class StsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: "Sender" | "Receiver" = "Sender",
  ) {
    super(message);
  }
}

interface Issued {
  accessKeyId: string;
  assumedRoleArn: string;
  assumedRoleId: string;
  account: string;
  expiration: Date;
}

/**
 * Starts an STS emulator on 127.0.0.1 speaking the Query protocol the SDK's STS client uses (form-encoded POST,
 * XML out). AssumeRoleWithWebIdentity verifies the token as STS does — signature against the issuer's JWKS found
 * through its discovery document, issuer, audience, expiry — then the role's trust condition. GetCallerIdentity
 * answers for credentials it issued (found by the access key id of the SigV4 `Authorization` header; the signature
 * itself is not checked).
 */
export async function startStsEmulator(options: StsEmulatorOptions): Promise<StsEmulator> {
  const now = options.now ?? Date.now;
  const calls: StsCall[] = [];
  const faults: StsFault[] = [];
  const issued = new Map<string, Issued>();
  const jwksByIssuer = new Map<string, Promise<ReturnType<typeof createRemoteJWKSet>>>();
  let callCount = 0;

  const jwksFor = (issuer: string): Promise<ReturnType<typeof createRemoteJWKSet>> => {
    let jwks = jwksByIssuer.get(issuer);
    if (jwks === undefined) {
      jwks = (async () => {
        const response = await fetch(`${issuer}/.well-known/openid-configuration`);
        if (!response.ok) throw new Error(`discovery answered ${response.status}`);
        const discovery = (await response.json()) as { jwks_uri?: unknown };
        if (typeof discovery.jwks_uri !== "string") throw new Error("discovery has no jwks_uri");
        return createRemoteJWKSet(new URL(discovery.jwks_uri));
      })();
      jwks.catch(() => jwksByIssuer.delete(issuer));
      jwksByIssuer.set(issuer, jwks);
    }
    return jwks;
  };

  const assumeRoleWithWebIdentity = async (params: URLSearchParams, call: CallDraft): Promise<string> => {
    const roleArn = params.get("RoleArn");
    const sessionName = params.get("RoleSessionName");
    const token = params.get("WebIdentityToken");
    const durationText = params.get("DurationSeconds");
    if (roleArn !== null) call.roleArn = roleArn;
    if (sessionName !== null) call.roleSessionName = sessionName;
    const durationSeconds = durationText === null ? undefined : Number(durationText);
    if (durationSeconds !== undefined) call.durationSeconds = durationSeconds;

    const fault = faults.shift();
    if (fault !== undefined) await applyFault(fault, params);

    for (const [name, value] of [
      ["roleArn", roleArn],
      ["roleSessionName", sessionName],
      ["webIdentityToken", token],
    ] as const) {
      if (value === null || value === "") {
        throw new StsError(400, "ValidationError", `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
      }
    }
    if (!SESSION_NAME.test(sessionName ?? "")) {
      throw new StsError(400, "ValidationError", `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`);
    }
    if (durationSeconds !== undefined && !(Number.isInteger(durationSeconds) && durationSeconds >= 900 && durationSeconds <= 43_200)) {
      throw new StsError(400, "ValidationError", `1 validation error detected: Value '${durationText}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`);
    }
    const policy = params.get("Policy");
    if (policy !== null) {
      try {
        JSON.parse(policy);
      } catch {
        throw new StsError(400, "MalformedPolicyDocument", "The policy is not in the valid JSON format.");
      }
      if (policy.length > MAX_POLICY_CHARS) {
        throw new StsError(400, "PackedPolicyTooLarge", "Packed policy consumes 112% of allotted space, please use smaller policy.");
      }
    }

    let claims: JWTPayload;
    try {
      claims = decodeJwt(token ?? "");
    } catch {
      throw new StsError(400, "InvalidIdentityToken", "The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)");
    }
    if (typeof claims.sub === "string") call.subject = claims.sub;
    if (typeof claims.jti === "string") call.tokenId = claims.jti;
    const trusting = options.roles.filter((role) => role.issuer === claims.iss);
    if (trusting.length === 0) {
      throw new StsError(400, "InvalidIdentityToken", `No OpenIDConnect provider found in your account for ${String(claims.iss)}`);
    }
    let jwks: ReturnType<typeof createRemoteJWKSet>;
    try {
      jwks = await jwksFor(trusting[0]?.issuer ?? "");
    } catch {
      throw new StsError(400, "IDPCommunicationError", "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements");
    }
    const audiences = [...new Set(trusting.map((role) => role.audience ?? "sts.amazonaws.com"))];
    try {
      await jwtVerify(token ?? "", jwks, {
        issuer: claims.iss ?? "",
        audience: audiences,
        currentDate: new Date(now()),
        clockTolerance: 0,
      });
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) {
        // STS's own wording, epoch seconds and the missing space included.
        throw new StsError(400, "ExpiredTokenException", `Token expired: current date/time ${Math.floor(now() / 1000)} must be before the expiration date/time${claims.exp ?? 0}`);
      }
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === "aud") {
        throw new StsError(400, "InvalidIdentityToken", "Incorrect token audience");
      }
      if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === "nbf") {
        throw new StsError(400, "InvalidIdentityToken", "Token is not yet valid");
      }
      // The JWKS could not be fetched: a network failure (not a JOSEError), a timeout, a non-200 or non-JSON answer.
      if (!(error instanceof joseErrors.JOSEError) || error.code === "ERR_JWKS_TIMEOUT" || error.code === "ERR_JOSE_GENERIC") {
        throw new StsError(400, "IDPCommunicationError", "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements");
      }
      throw new StsError(400, "InvalidIdentityToken", "Couldn't verify the signature of the web identity token");
    }

    const role = trusting.find((candidate) => candidate.arn === roleArn);
    const audience = role?.audience ?? "sts.amazonaws.com";
    const tokenAudiences = typeof claims.aud === "string" ? [claims.aud] : (claims.aud ?? []);
    if (role === undefined || !tokenAudiences.includes(audience) || !role.allowedSubjects.some((pattern) => matches(pattern, claims.sub ?? ""))) {
      throw new StsError(403, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity");
    }

    const match = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(role.arn);
    const account = match?.[1] ?? "000000000000";
    const roleName = match?.[2] ?? "role";
    const lifetimeSeconds = options.credentialLifetimeSeconds ?? durationSeconds ?? 3600;
    const expiration = new Date(Math.floor(now() / 1000) * 1000 + lifetimeSeconds * 1000);
    const accessKeyId = `ASIA${randomCharacters(16)}`;
    const assumedRoleId = `AROA${randomCharacters(17)}:${sessionName}`;
    const assumedRoleArn = `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`;
    issued.set(accessKeyId, { accessKeyId, assumedRoleArn, assumedRoleId, account, expiration });
    const issuerHost = role.issuer.replace(/^https?:\/\//, "");
    return (
      `<SubjectFromWebIdentityToken>${xml(claims.sub ?? "")}</SubjectFromWebIdentityToken>` +
      `<Audience>${xml(audience)}</Audience>` +
      `<AssumedRoleUser><AssumedRoleId>${xml(assumedRoleId)}</AssumedRoleId><Arn>${xml(assumedRoleArn)}</Arn></AssumedRoleUser>` +
      "<Credentials>" +
      `<AccessKeyId>${accessKeyId}</AccessKeyId>` +
      `<SecretAccessKey>${randomBytes(30).toString("base64")}</SecretAccessKey>` +
      `<SessionToken>${randomBytes(192).toString("base64")}</SessionToken>` +
      `<Expiration>${expiration.toISOString().replace(/\.\d{3}Z$/, "Z")}</Expiration>` +
      "</Credentials>" +
      `<Provider>${xml(`arn:aws:iam::${account}:oidc-provider/${issuerHost}`)}</Provider>`
    );
  };

  const getCallerIdentity = (request: IncomingMessage): string => {
    const authorization = request.headers.authorization ?? "";
    const accessKeyId = /Credential=([^/,\s]+)\//.exec(authorization)?.[1];
    const found = accessKeyId === undefined ? undefined : issued.get(accessKeyId);
    if (found === undefined) {
      throw new StsError(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
    }
    if (found.expiration.getTime() <= now()) {
      throw new StsError(400, "ExpiredToken", "The security token included in the request is expired");
    }
    return `<Arn>${xml(found.assumedRoleArn)}</Arn><UserId>${xml(found.assumedRoleId)}</UserId><Account>${found.account}</Account>`;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    const body = await readBody(request);
    const params = new URLSearchParams(body);
    const action = params.get("Action") ?? "";
    const call: CallDraft & { action: string } = { action };
    let status = 200;
    let payload: string;
    try {
      if (request.method !== "POST") throw new StsError(405, "InvalidAction", "Only POST is supported.");
      if (params.get("Version") !== "2011-06-15") {
        throw new StsError(400, "InvalidParameterValue", "Version must be 2011-06-15.");
      }
      let result: string;
      if (action === "AssumeRoleWithWebIdentity") {
        callCount += 1;
        result = await assumeRoleWithWebIdentity(params, call);
      } else if (action === "GetCallerIdentity") {
        result = getCallerIdentity(request);
      } else {
        throw new StsError(400, "InvalidAction", `Could not find operation ${action} for version 2011-06-15`);
      }
      payload =
        `<${action}Response xmlns="${XMLNS}"><${action}Result>${result}</${action}Result>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
    } catch (error) {
      if (error instanceof RawAnswer) {
        calls.push({ ...call, status: error.status, requestId, signed: request.headers.authorization !== undefined });
        response.writeHead(error.status, { "content-type": "text/xml", "x-amzn-requestid": requestId }).end(error.body);
        return;
      }
      const stsError = error instanceof StsError ? error : new StsError(500, "InternalFailure", "An internal error occurred.", "Receiver");
      status = stsError.status;
      call.errorCode = stsError.code;
      payload =
        `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${stsError.type}</Type><Code>${stsError.code}</Code>` +
        `<Message>${xml(stsError.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
    }
    calls.push({ ...call, status, requestId, signed: request.headers.authorization !== undefined });
    response
      .writeHead(status, {
        "content-type": "text/xml",
        "x-amzn-requestid": requestId,
        "content-length": Buffer.byteLength(payload),
      })
      .end(payload);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    get callCount() {
      return callCount;
    },
    calls,
    injectFault(fault, times = 1) {
      for (let i = 0; i < times; i += 1) faults.push(fault);
    },
    clearFaults() {
      faults.length = 0;
    },
    credentialsIssued: () =>
      [...issued.values()].map(({ accessKeyId, assumedRoleArn, expiration }) => ({ accessKeyId, assumedRoleArn, expiration })),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function applyFault(fault: StsFault, params: URLSearchParams): Promise<void> {
  switch (fault.kind) {
    case "hang":
      await new Promise(() => undefined);
      return;
    case "echo-request":
      throw new StsError(400, "ValidationError", `Request could not be processed: ${params.toString()}`);
    case "truncated-success":
      throw new RawAnswer(
        200,
        `<AssumeRoleWithWebIdentityResponse xmlns="${XMLNS}"><AssumeRoleWithWebIdentityResult><Credentials>` +
          `<AccessKeyId>ASIATRUNCATED0000001</AccessKeyId><SecretAccessKey>${fault.secretAccessKey}</SecretAccessKey>` +
          `<SessionToken>${fault.sessionToken}</SessionToken><Expira`,
      );
    case "http-500":
      throw new StsError(500, "InternalFailure", "An internal error occurred.", "Receiver");
    case "throttling":
      throw new StsError(400, "Throttling", "Rate exceeded");
    case "idp-communication-error":
      throw new StsError(400, "IDPCommunicationError", "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements");
    case "invalid-identity-token":
      throw new StsError(400, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider");
    case "delay":
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function matches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return regex.test(value);
}

function randomCharacters(count: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return Array.from(randomBytes(count), (byte) => alphabet[byte % 32]).join("");
}

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}
