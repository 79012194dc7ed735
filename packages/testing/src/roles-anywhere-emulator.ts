import { createHash, randomBytes, randomUUID, verify, X509Certificate } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// An IAM Roles Anywhere CreateSession endpoint on 127.0.0.1. It checks requests the way the service does — rebuilds
// the SigV4 canonical request from what it received, verifies the signature with the X-Amz-X509 certificate's public
// key, and the certificate's chain up to the trust anchor's CA — with its own code, independent of the client's.
// Error wording is the emulator's; types, statuses and headers follow the service's restJson1 protocol.

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

/** A running emulator. */
export interface RolesAnywhereEmulator {
  /** "http://127.0.0.1:PORT" — pass as `endpoint`. */
  readonly endpoint: string;
  /** CreateSession calls received, failed ones included. */
  readonly callCount: number;
  readonly calls: readonly RolesAnywhereCall[];
  /** Serves `fault` to the next `times` calls (default 1). */
  injectFault(fault: RolesAnywhereFault, times?: number): void;
  clearFaults(): void;
  /** Credentials issued so far (no secrets). */
  credentialsIssued(): readonly { accessKeyId: string; roleArn: string; expiration: Date }[];
  close(): Promise<void>;
}

interface ServiceError {
  readonly status: number;
  readonly type: string;
  readonly message: string;
}

const AUTHORIZATION =
  /^(AWS4-X509-(?:RSA|ECDSA)-SHA256) Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const MAX_CHAIN_DEPTH = 5;

/** Starts the emulator on 127.0.0.1 on a free port. */
export async function startRolesAnywhereEmulator(options: RolesAnywhereEmulatorOptions): Promise<RolesAnywhereEmulator> {
  const now = options.now ?? Date.now;
  const maxClockSkewMs = options.maxClockSkewMs ?? 300_000;
  const anchors = new Map(
    options.trustAnchors.map((anchor) => [anchor.arn, new X509Certificate(anchor.caCertificatePem)] as const),
  );
  const profiles = new Map(options.profiles.map((profile) => [profile.arn, profile] as const));
  const calls: RolesAnywhereCall[] = [];
  const faults: RolesAnywhereFault[] = [];
  const issued: { accessKeyId: string; roleArn: string; expiration: Date }[] = [];
  const subjectIds = new Map<string, string>();

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const requestId = randomUUID();
    if (request.method !== "POST" || path !== "/sessions") {
      sendError(response, requestId, { status: 404, type: "UnknownOperationException", message: "Unknown operation." });
      return;
    }
    const record: { -readonly [K in keyof RolesAnywhereCall]: RolesAnywhereCall[K] } = { status: 0, requestId, chainLength: 0 };
    calls.push(record);

    const fault = faults.shift();
    if (fault?.kind === "delay") await new Promise((resolve) => setTimeout(resolve, fault.ms));
    const injected: ServiceError | undefined =
      fault?.kind === "http-500"
        ? { status: 500, type: "InternalServerException", message: "Internal failure (injected by the test)." }
        : fault?.kind === "access-denied"
          ? { status: 403, type: "AccessDeniedException", message: "Access denied (injected by the test)." }
          : undefined;

    const outcome = injected ?? createSession(request, path, body, record);
    if ("status" in outcome) {
      Object.assign(record, { status: outcome.status, errorType: outcome.type, errorMessage: outcome.message });
      sendError(response, requestId, outcome);
      return;
    }
    record.status = 201;
    record.accessKeyId = outcome.credentialSet[0]?.credentials.accessKeyId;
    response
      .writeHead(201, { "content-type": "application/json", "x-amzn-RequestId": requestId })
      .end(JSON.stringify(outcome));
  };

  const createSession = (
    request: IncomingMessage,
    path: string,
    body: Buffer,
    record: { -readonly [K in keyof RolesAnywhereCall]: RolesAnywhereCall[K] },
  ): ServiceError | CreateSessionResponse => {
    const denied = (message: string): ServiceError => ({ status: 403, type: "AccessDeniedException", message });
    const invalid = (message: string): ServiceError => ({ status: 400, type: "ValidationException", message });

    const authorization = AUTHORIZATION.exec(header(request, "authorization") ?? "");
    if (authorization === null) return denied("Missing or malformed Authorization header.");
    const [, algorithm = "", credential = "", signedHeaders = "", signatureHex = ""] = authorization;
    Object.assign(record, { algorithm, signedHeaders });
    const [serial, scopeDate, scopeRegion, service, terminator, ...extra] = credential.split("/");
    record.serialNumber = serial;
    if (service !== "rolesanywhere" || terminator !== "aws4_request" || extra.length > 0 || !scopeRegion) {
      return denied(`Credential scope must be SERIAL/DATE/REGION/rolesanywhere/aws4_request; got ${credential}.`);
    }
    const headerNames = signedHeaders.split(";");
    for (const required of ["host", "x-amz-date", "x-amz-x509"]) {
      if (!headerNames.includes(required)) return denied(`SignedHeaders must include ${required}.`);
    }
    if ([...headerNames].sort().join(";") !== signedHeaders) return denied("SignedHeaders must be sorted.");

    const amzDate = header(request, "x-amz-date") ?? "";
    const date = AMZ_DATE.exec(amzDate);
    if (date === null) return denied("X-Amz-Date must be YYYYMMDD'T'HHMMSS'Z'.");
    const signedAt = Date.UTC(+date[1]!, +date[2]! - 1, +date[3]!, +date[4]!, +date[5]!, +date[6]!);
    if (Math.abs(now() - signedAt) > maxClockSkewMs) {
      return denied(`Signature expired: X-Amz-Date ${amzDate} is more than ${maxClockSkewMs / 1000} s from the server's time.`);
    }
    if (scopeDate !== amzDate.slice(0, 8)) return denied("The credential scope's date differs from X-Amz-Date.");

    let leaf: X509Certificate;
    let chain: X509Certificate[];
    try {
      leaf = new X509Certificate(Buffer.from(header(request, "x-amz-x509") ?? "", "base64"));
      const chainHeader = header(request, "x-amz-x509-chain");
      chain = chainHeader ? chainHeader.split(",").map((part) => new X509Certificate(Buffer.from(part.trim(), "base64"))) : [];
    } catch {
      return invalid("X-Amz-X509 and X-Amz-X509-Chain must hold base64 DER certificates.");
    }
    record.chainLength = chain.length;
    if (BigInt(`0x${leaf.serialNumber}`).toString(10) !== serial) {
      return denied("The credential's serial number is not the X-Amz-X509 certificate's.");
    }
    const keyType = leaf.publicKey.asymmetricKeyType;
    if ((algorithm === "AWS4-X509-RSA-SHA256") !== (keyType === "rsa") || (keyType !== "rsa" && keyType !== "ec")) {
      return denied(`${algorithm} does not match the certificate's ${keyType ?? "unknown"} key.`);
    }

    // The canonical request, rebuilt from the wire.
    const payloadHash = createHash("sha256").update(body).digest("hex");
    const declaredHash = header(request, "x-amz-content-sha256");
    if (declaredHash !== undefined && declaredHash !== payloadHash) return denied("X-Amz-Content-Sha256 does not match the body.");
    const canonicalHeaders = headerNames.map((name) => `${name}:${canonicalValue(request, name)}\n`).join("");
    const query = canonicalQuery(new URL(request.url ?? "/", "http://127.0.0.1").searchParams);
    const canonicalRequest = `${request.method}\n${path}\n${query}\n${canonicalHeaders}\n${signedHeaders}\n${payloadHash}`;
    const stringToSign = `${algorithm}\n${amzDate}\n${credential.slice(serial!.length + 1)}\n${sha256Hex(canonicalRequest)}`;
    if (!verify("sha256", Buffer.from(stringToSign), leaf.publicKey, Buffer.from(signatureHex, "hex"))) {
      return denied("Signature validation failed: the signature does not match the request and the certificate's key.");
    }

    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
    } catch {
      return invalid("The request body is not JSON.");
    }
    // The ARNs may come as query parameters instead (AWS's signing helper sends them so) or in the body.
    const params = new URL(request.url ?? "/", "http://127.0.0.1").searchParams;
    const [trustAnchorArn, profileArn, roleArn] = (["trustAnchorArn", "profileArn", "roleArn"] as const).map(
      (name) => input[name] ?? params.get(name) ?? undefined,
    );
    const { durationSeconds, roleSessionName } = input;
    Object.assign(record, {
      trustAnchorArn: stringOrUndefined(trustAnchorArn),
      profileArn: stringOrUndefined(profileArn),
      roleArn: stringOrUndefined(roleArn),
      roleSessionName: stringOrUndefined(roleSessionName),
      durationSeconds: typeof durationSeconds === "number" ? durationSeconds : undefined,
    });
    if (typeof trustAnchorArn !== "string" || typeof profileArn !== "string" || typeof roleArn !== "string") {
      return invalid("trustAnchorArn, profileArn and roleArn are required.");
    }
    if (durationSeconds !== undefined && (typeof durationSeconds !== "number" || durationSeconds < 900 || durationSeconds > 43_200)) {
      return invalid("1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200.");
    }
    if (roleSessionName !== undefined && (typeof roleSessionName !== "string" || !/^[\w+=,.@-]{2,64}$/.test(roleSessionName))) {
      return invalid("Value at 'roleSessionName' failed to satisfy constraint.");
    }
    const ca = anchors.get(trustAnchorArn);
    if (ca === undefined) return denied(`Unknown trust anchor ${trustAnchorArn}.`);
    if (trustAnchorArn.split(":")[3] !== scopeRegion) return denied(`The credential scope's region ${scopeRegion} is not the trust anchor's.`);
    const profile = profiles.get(profileArn);
    if (profile === undefined) return denied(`Unknown profile ${profileArn}.`);
    if (!profile.roleArns.includes(roleArn)) return denied(`The profile does not allow role ${roleArn}.`);

    const untrusted = verifyChain(leaf, chain, ca, now());
    if (untrusted !== undefined) return denied(`Untrusted certificate. ${untrusted}`);

    const lifetimeSeconds = options.credentialLifetimeSeconds ?? (typeof durationSeconds === "number" ? durationSeconds : 3600);
    const expiration = new Date(Math.floor(now() / 1000) * 1000 + lifetimeSeconds * 1000);
    const accessKeyId = `ASIA${randomToken(16)}`;
    issued.push({ accessKeyId, roleArn, expiration });
    const accountId = roleArn.split(":")[4] ?? "000000000000";
    const roleName = roleArn.split("/").pop() ?? "role";
    const sessionName = typeof roleSessionName === "string" ? roleSessionName : leaf.serialNumber.toLowerCase();
    const subject = leaf.subject.split("\n").join(",");
    let subjectId = subjectIds.get(subject);
    if (subjectId === undefined) {
      subjectId = randomUUID();
      subjectIds.set(subject, subjectId);
    }
    return {
      credentialSet: [
        {
          assumedRoleUser: {
            arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
            assumedRoleId: `AROA${randomToken(17)}:${sessionName}`,
          },
          credentials: {
            accessKeyId,
            secretAccessKey: randomBytes(30).toString("base64"),
            sessionToken: randomBytes(192).toString("base64"),
            expiration: expiration.toISOString().replace(/\.\d{3}Z$/, "Z"),
          },
          packedPolicySize: 12,
          roleArn,
          sourceIdentity: leaf.subject.split("\n").find((part) => part.startsWith("CN=")) ?? "",
        },
      ],
      subjectArn: `arn:aws:rolesanywhere:${scopeRegion}:${accountId}:subject/${subjectId}`,
    };
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        sendError(response, randomUUID(), { status: 500, type: "InternalServerException", message: String(error) });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    get callCount() {
      return calls.length;
    },
    calls,
    injectFault(fault, times = 1) {
      for (let i = 0; i < times; i += 1) faults.push(fault);
    },
    clearFaults() {
      faults.length = 0;
    },
    credentialsIssued: () => issued.slice(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

interface CreateSessionResponse {
  credentialSet: {
    assumedRoleUser: { arn: string; assumedRoleId: string };
    credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: string };
    packedPolicySize: number;
    roleArn: string;
    sourceIdentity: string;
  }[];
  subjectArn: string;
}

/** Walks leaf → intermediates → the trust anchor's CA; returns why it fails, or undefined when trusted. */
function verifyChain(leaf: X509Certificate, chain: X509Certificate[], ca: X509Certificate, nowMs: number): string | undefined {
  let current = leaf;
  for (let depth = 0; depth <= MAX_CHAIN_DEPTH; depth += 1) {
    const validity = checkDates(current, nowMs);
    if (validity !== undefined) return validity;
    if (current.checkIssued(ca) && current.verify(ca.publicKey)) return checkDates(ca, nowMs);
    const issuer = chain.find((candidate) => candidate.ca && current.checkIssued(candidate) && current.verify(candidate.publicKey));
    if (issuer === undefined) {
      return `No path from ${current.subject.split("\n").join(", ")} to the trust anchor's CA through the given chain.`;
    }
    current = issuer;
  }
  return "The certificate chain is too long.";
}

function checkDates(certificate: X509Certificate, nowMs: number): string | undefined {
  if (nowMs < new Date(certificate.validFrom).getTime()) return `A certificate of the chain is not valid before ${certificate.validFrom}.`;
  if (nowMs > new Date(certificate.validTo).getTime()) return `A certificate of the chain expired at ${certificate.validTo}.`;
  return undefined;
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

function canonicalValue(request: IncomingMessage, name: string): string {
  return (header(request, name) ?? "").trim().replace(/ +/g, " ");
}

function canonicalQuery(params: URLSearchParams): string {
  const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return [...params]
    .map(([key, value]) => [encode(key), encode(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
}

function sendError(response: ServerResponse, requestId: string, error: ServiceError): void {
  response
    .writeHead(error.status, {
      "content-type": "application/json",
      "x-amzn-ErrorType": error.type,
      "x-amzn-RequestId": requestId,
    })
    .end(JSON.stringify({ message: error.message }));
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function randomToken(length: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return Array.from(randomBytes(length), (byte) => alphabet[byte % 32]).join("");
}
