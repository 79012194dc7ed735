import { createHash, createPrivateKey, generateKeyPairSync, verify, X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import * as envoy from "../test/fixtures/envoy-vectors.js";
import { formatAmzDate, signCreateSessionRequest, signCreateSessionRequestWith } from "./sign.js";
import { keyObjectSigner } from "./signer.js";

const rsaCertificate = new X509Certificate(envoy.rsaCertificatePem);
const rsaKey = createPrivateKey(envoy.rsaPrivateKeyPem);
const rsaChain = new X509Certificate(envoy.rsaChainPem);

describe(signCreateSessionRequest.name, () => {
  describe("reproduces Envoy's published RSA vectors byte for byte", () => {
    for (const vector of envoy.vectors) {
      it(vector.test, () => {
        const signed = signCreateSessionRequest({
          certificate: rsaCertificate,
          privateKey: rsaKey,
          chain: vector.withChain ? [rsaChain] : [],
          body: vector.body,
          region: envoy.common.region,
          host: envoy.common.host,
          date: new Date(vector.date),
          signContentSha256Header: true,
        });
        expect(signed.headers["X-Amz-Content-Sha256"]).toBe(vector.contentSha256);
        expect(signed.headers.Authorization).toBe(
          `AWS4-X509-RSA-SHA256 Credential=${envoy.common.serialNumberDecimal}/${vector.date.slice(0, 10).replaceAll("-", "")}` +
            `/ap-southeast-2/rolesanywhere/aws4_request, SignedHeaders=${vector.signedHeaders}, Signature=${vector.signature}`,
        );
        expect(signed.headers["X-Amz-X509"]).toBe(rsaCertificate.raw.toString("base64"));
        expect(signed.headers["X-Amz-X509-Chain"]).toBe(vector.withChain ? rsaChain.raw.toString("base64") : undefined);
      });
    }
  });

  it("signs the header set of AWS's signing helper by default (no x-amz-content-sha256)", () => {
    const signed = signCreateSessionRequest({
      certificate: rsaCertificate,
      privateKey: rsaKey,
      chain: [rsaChain],
      body: "{}",
      region: "eu-west-1",
      host: "rolesanywhere.eu-west-1.amazonaws.com",
      date: new Date("2026-11-23T10:20:30.456Z"),
    });
    expect(signed.signedHeaders).toBe("content-type;host;x-amz-date;x-amz-x509;x-amz-x509-chain");
    expect(Object.keys(signed.headers)).toEqual(["Content-Type", "Host", "X-Amz-Date", "X-Amz-X509", "X-Amz-X509-Chain", "Authorization"]);
    expect(signed.headers["X-Amz-Date"]).toBe("20261123T102030Z");
    expect(signed.canonicalRequest).toBe(
      [
        "POST",
        "/sessions",
        "",
        "content-type:application/json",
        "host:rolesanywhere.eu-west-1.amazonaws.com",
        "x-amz-date:20261123T102030Z",
        `x-amz-x509:${rsaCertificate.raw.toString("base64")}`,
        `x-amz-x509-chain:${rsaChain.raw.toString("base64")}`,
        "",
        "content-type;host;x-amz-date;x-amz-x509;x-amz-x509-chain",
        createHash("sha256").update("{}").digest("hex"),
      ].join("\n"),
    );
    expect(signed.stringToSign).toBe(
      `AWS4-X509-RSA-SHA256\n20261123T102030Z\n20261123/eu-west-1/rolesanywhere/aws4_request\n` +
        createHash("sha256").update(signed.canonicalRequest).digest("hex"),
    );
  });

  it("joins several intermediates with commas in X-Amz-X509-Chain", () => {
    const signed = signCreateSessionRequest({
      certificate: rsaCertificate,
      privateKey: rsaKey,
      chain: [rsaChain, rsaCertificate],
      body: "{}",
      region: "eu-west-1",
      host: "h",
      date: new Date(0),
    });
    expect(signed.headers["X-Amz-X509-Chain"]).toBe(`${rsaChain.raw.toString("base64")},${rsaCertificate.raw.toString("base64")}`);
  });

  it("signs with ECDSA over SHA-256, DER-encoded, verifiable with the certificate's public key", () => {
    const certificate = new X509Certificate(envoy.ecdsaCertificatePem);
    const signed = signCreateSessionRequest({
      certificate,
      privateKey: createPrivateKey(envoy.ecdsaPrivateKeyPem),
      body: '{"durationSeconds":3600}',
      region: "ap-southeast-2",
      host: envoy.common.host,
      date: new Date("2018-01-02T03:04:05Z"),
    });
    expect(signed.algorithm).toBe("AWS4-X509-ECDSA-SHA256");
    expect(signed.headers.Authorization).toMatch(
      new RegExp(`^AWS4-X509-ECDSA-SHA256 Credential=${envoy.ecdsaSerialNumberDecimal}/20180102/ap-southeast-2/rolesanywhere/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-x509, Signature=30[0-9a-f]+$`),
    );
    const signature = Buffer.from(signed.signature, "hex");
    expect(verify("sha256", Buffer.from(signed.stringToSign), certificate.publicKey, signature)).toBe(true);
    expect(verify("sha256", Buffer.from(`${signed.stringToSign}x`), certificate.publicKey, signature)).toBe(false);
  });

  it("hashes with SHA-256 for P-384 keys too, as AWS's helper does", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
    // Any certificate works for the header; the signature is checked against the P-384 key itself.
    const signed = signCreateSessionRequest({ certificate: rsaCertificate, privateKey, body: "{}", region: "eu-west-1", host: "h", date: new Date(0) });
    expect(signed.algorithm).toBe("AWS4-X509-ECDSA-SHA256");
    const signature = Buffer.from(signed.signature, "hex");
    expect(verify("sha256", Buffer.from(signed.stringToSign), publicKey, signature)).toBe(true);
    expect(verify("sha384", Buffer.from(signed.stringToSign), publicKey, signature)).toBe(false);
  });

  it("refuses keys Roles Anywhere cannot verify", () => {
    const { privateKey } = generateKeyPairSync("ed25519");
    expect(() =>
      signCreateSessionRequest({ certificate: rsaCertificate, privateKey, body: "{}", region: "eu-west-1", host: "h", date: new Date(0) }),
    ).toThrow(expect.objectContaining({ code: "ROLES_ANYWHERE_UNSUPPORTED_KEY" }));
  });
});

describe(formatAmzDate.name, () => {
  it("writes ISO 8601 basic format in UTC, dropping milliseconds", () => {
    expect(formatAmzDate(new Date("2018-01-02T03:04:05.999Z"))).toBe("20180102T030405Z");
  });
});

describe(signCreateSessionRequestWith.name, () => {
  it("builds the same request through a signer (the one path for keys in files and in tokens)", async () => {
    const vector = envoy.vectors[0];
    if (vector === undefined) throw new Error("no Envoy vector");
    const input = {
      certificate: rsaCertificate,
      chain: vector.withChain ? [rsaChain] : [],
      body: vector.body,
      region: envoy.common.region,
      host: envoy.common.host,
      date: new Date(vector.date),
      signContentSha256Header: true,
    };
    const direct = signCreateSessionRequest({ ...input, privateKey: rsaKey });
    const throughSigner = await signCreateSessionRequestWith(input, keyObjectSigner(rsaKey));
    expect(throughSigner).toEqual(direct);
    expect(throughSigner.signature).toBe(vector.signature);
  });
});
