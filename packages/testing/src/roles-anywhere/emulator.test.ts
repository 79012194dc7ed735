import { createHash, createPrivateKey, sign, X509Certificate } from "node:crypto";
import { signCreateSessionRequest } from "@workload-identity/roles-anywhere";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestPki, type TestLeaf, type TestPki } from "../pki.js";
import { type RolesAnywhereWorld, startRolesAnywhereWorld } from "../worlds/roles-anywhere-world.js";
import { startRolesAnywhereEmulator } from "./emulator.js";
import type { RolesAnywhereEmulator } from "./types.js";

const ANCHOR = "arn:aws:rolesanywhere:eu-west-1:111122223333:trust-anchor/anchor-1";
const PROFILE = "arn:aws:rolesanywhere:eu-west-1:111122223333:profile/profile-1";
const ROLE = "arn:aws:iam::111122223333:role/workload";
const NOW = Date.parse("2026-11-23T12:00:00Z");

let world: RolesAnywhereWorld;
let pki: TestPki;
let leaf: TestLeaf;
let emulator: RolesAnywhereEmulator;

beforeAll(async () => {
  world = await startRolesAnywhereWorld({
    now: () => NOW,
    keyType: "p256",
    trustAnchorArn: ANCHOR,
    profileArn: PROFILE,
    roleArn: ROLE,
    leaf: { notBefore: new Date(NOW - 86_400_000), notAfter: new Date(NOW + 86_400_000) },
  });
  ({ pki, leaf, emulator } = world);
});
afterAll(() => world.close());

interface Call {
  body?: Record<string, unknown>;
  leaf?: TestLeaf;
  chain?: string[];
  date?: Date;
  tamper?: (request: { headers: Record<string, string>; body: string }) => void;
}

async function call(options: Call = {}): Promise<Response> {
  const signer = options.leaf ?? leaf;
  const body = JSON.stringify(options.body ?? { durationSeconds: 3600, profileArn: PROFILE, roleArn: ROLE, trustAnchorArn: ANCHOR });
  const url = new URL("/sessions", emulator.endpoint);
  const signed = signCreateSessionRequest({
    certificate: new X509Certificate(signer.certificatePem),
    privateKey: createPrivateKey(signer.privateKeyPem),
    chain: (options.chain ?? [signer.chainPem]).filter(Boolean).map((pem) => new X509Certificate(pem)),
    body,
    region: "eu-west-1",
    host: url.host,
    date: options.date ?? new Date(NOW),
  });
  const request = { headers: { ...signed.headers }, body };
  options.tamper?.(request);
  delete request.headers.Host;
  return fetch(url, { method: "POST", headers: request.headers, body: request.body });
}

async function expectDenied(response: Response, type: string, status: number, message: RegExp): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get("x-amzn-errortype")).toBe(type);
  expect(response.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
  expect(await response.json()).toEqual({ message: expect.stringMatching(message) });
}

describe(startRolesAnywhereEmulator.name, () => {
  it("answers a well-signed request with a realistic credentialSet", async () => {
    const before = emulator.callCount;
    const response = await call();
    expect(response.status).toBe(201);
    expect(response.headers.get("x-amzn-requestid")).toBeTruthy();
    const document = (await response.json()) as { credentialSet: { credentials: { accessKeyId: string } }[] };
    expect(document).toEqual({
      credentialSet: [
        {
          assumedRoleUser: {
            arn: `arn:aws:sts::111122223333:assumed-role/workload/${new X509Certificate(leaf.certificatePem).serialNumber.toLowerCase()}`,
            assumedRoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}:/),
          },
          credentials: {
            accessKeyId: expect.stringMatching(/^ASIA[A-Z2-7]{16}$/),
            secretAccessKey: expect.any(String),
            sessionToken: expect.any(String),
            expiration: "2026-11-23T13:00:00Z",
          },
          packedPolicySize: expect.any(Number),
          roleArn: ROLE,
          sourceIdentity: "CN=workload.test",
        },
      ],
      subjectArn: expect.stringMatching(/^arn:aws:rolesanywhere:eu-west-1:111122223333:subject\/[0-9a-f-]{36}$/),
    });
    expect(emulator.callCount).toBe(before + 1);
    expect(emulator.credentialsIssued().at(-1)).toMatchObject({ roleArn: ROLE, accessKeyId: document.credentialSet[0]?.credentials.accessKeyId });
  });

  it("rejects a body changed after signing", async () => {
    await expectDenied(
      await call({ tamper: (request) => void (request.body = request.body.replace("3600", "7200")) }),
      "AccessDeniedException",
      403,
      /Signature validation failed/,
    );
  });

  it("rejects a signature by another key than the certificate's", async () => {
    const other = await pki.issueLeaf();
    await expectDenied(
      await call({ tamper: (request) => void (request.headers["X-Amz-X509"] = other.certificateDer.toString("base64")) }),
      "AccessDeniedException",
      403,
      /serial number|Signature validation failed/,
    );
  });

  it("rejects a clock skew over five minutes, in either direction", async () => {
    await expectDenied(await call({ date: new Date(NOW - 301_000) }), "AccessDeniedException", 403, /Signature expired/);
    await expectDenied(await call({ date: new Date(NOW + 301_000) }), "AccessDeniedException", 403, /Signature expired/);
    expect((await call({ date: new Date(NOW - 299_000) })).status).toBe(201);
  });

  it("verifies the chain up to the trust anchor's CA", async () => {
    await expectDenied(await call({ chain: [] }), "AccessDeniedException", 403, /Untrusted certificate/);
    const stranger = await (await createTestPki({ keyType: "p256", now: () => NOW })).issueLeaf({ notBefore: new Date(NOW - 1000) });
    await expectDenied(await call({ leaf: stranger }), "AccessDeniedException", 403, /Untrusted certificate/);
    const direct = await pki.issueLeaf({ signedBy: "root", notBefore: new Date(NOW - 1000) });
    expect((await call({ leaf: direct })).status).toBe(201);
  });

  it("refuses a certificate outside its validity period", async () => {
    const expired = await pki.issueLeaf({ notBefore: new Date(NOW - 2 * 86_400_000), notAfter: new Date(NOW - 86_400_000) });
    await expectDenied(await call({ leaf: expired }), "AccessDeniedException", 403, /expired/);
  });

  it("checks the trust anchor, the profile and its roles", async () => {
    const body = { durationSeconds: 3600, profileArn: PROFILE, roleArn: ROLE, trustAnchorArn: ANCHOR };
    await expectDenied(await call({ body: { ...body, trustAnchorArn: `${ANCHOR}x` } }), "AccessDeniedException", 403, /trust anchor/);
    await expectDenied(await call({ body: { ...body, profileArn: `${PROFILE}x` } }), "AccessDeniedException", 403, /profile/);
    await expectDenied(await call({ body: { ...body, roleArn: `${ROLE}x` } }), "AccessDeniedException", 403, /role/);
    await expectDenied(await call({ body: { ...body, durationSeconds: 100 } }), "ValidationException", 400, /durationSeconds/);
  });

  it("accepts the request form of AWS's signing helper: the ARNs as query parameters, only the duration in the body", async () => {
    // Signed here by hand, as aws_signing_helper signs: its SDK client puts the ARNs in the query string.
    const direct = await pki.issueLeaf({ signedBy: "root", notBefore: new Date(NOW - 1000) }); // no chain needed
    const encode = (pairs: string[][]) => pairs.map(([name, value]) => `${name}=${encodeURIComponent(value ?? "")}`).join("&");
    const signedQuery = encode([["profileArn", PROFILE], ["roleArn", ROLE], ["trustAnchorArn", ANCHOR]]);
    const body = '{"durationSeconds":900}';
    const amzDate = "20261123T120000Z";
    const scope = "20261123/eu-west-1/rolesanywhere/aws4_request";
    const x509 = direct.certificateDer.toString("base64");
    const host = new URL(emulator.endpoint).host;
    const hex = (text: string) => createHash("sha256").update(text).digest("hex");
    const signedHeaders = "content-type;host;x-amz-date;x-amz-x509";
    const canonicalRequest = [
      "POST", "/sessions", signedQuery,
      `content-type:application/json\nhost:${host}\nx-amz-date:${amzDate}\nx-amz-x509:${x509}\n`,
      signedHeaders, hex(body),
    ].join("\n");
    const stringToSign = `AWS4-X509-ECDSA-SHA256\n${amzDate}\n${scope}\n${hex(canonicalRequest)}`;
    const signature = sign("sha256", Buffer.from(stringToSign), createPrivateKey(direct.privateKeyPem)).toString("hex");
    const send = (query: string) =>
      fetch(new URL(`/sessions?${query}`, emulator.endpoint), {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-amz-date": amzDate,
          "x-amz-x509": x509,
          authorization: `AWS4-X509-ECDSA-SHA256 Credential=${direct.serialNumberDecimal}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
        },
        body,
      });

    expect((await send(signedQuery)).status).toBe(201);
    expect(emulator.calls.at(-1)).toMatchObject({ profileArn: PROFILE, roleArn: ROLE, trustAnchorArn: ANCHOR, durationSeconds: 900 });
    // The query string is part of what is signed.
    const otherRole = encode([["profileArn", PROFILE], ["roleArn", `${ROLE}2`], ["trustAnchorArn", ANCHOR]]);
    await expectDenied(await send(otherRole), "AccessDeniedException", 403, /Signature validation failed/);
  });

  it("records each call without secrets, and serves injected faults in order", async () => {
    emulator.injectFault({ kind: "http-500" });
    emulator.injectFault({ kind: "access-denied" }, 2);
    await expectDenied(await call(), "InternalServerException", 500, /injected/);
    await expectDenied(await call(), "AccessDeniedException", 403, /injected/);
    await expectDenied(await call(), "AccessDeniedException", 403, /injected/);
    expect((await call()).status).toBe(201);
    expect(emulator.calls.slice(-4).map((c) => c.status)).toEqual([500, 403, 403, 201]);
    expect(emulator.calls.at(-1)).toMatchObject({
      algorithm: "AWS4-X509-ECDSA-SHA256",
      serialNumber: leaf.serialNumberDecimal,
      chainLength: 1,
      roleArn: ROLE,
    });
  });
});
