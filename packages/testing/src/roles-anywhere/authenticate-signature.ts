// Who signed: the SigV4-X509 signature checked as the service checks it — the Authorization header and its scope,
// X-Amz-Date within the allowed skew, the X-Amz-X509 certificate (its serial and key type matching the header), and
// the signature over the canonical request rebuilt from the wire, verified with the certificate's public key.
import { verify, X509Certificate } from "node:crypto";
import type { EmulatorRequest } from "../harness/emulator-server.js";
import { checkScope, parseAuthorization, type X509Authorization } from "./authorization-header.js";
import { sha256Hex, stringToSign } from "./canonical-request.js";
import { denied, invalid } from "./service-error.js";
import type { RolesAnywhereCallRecord } from "./types.js";

/** A request whose signature holds: the signer's certificate, the chain it sent and the region it signed for. */
export interface SignedRequest {
  readonly leaf: X509Certificate;
  readonly chain: readonly X509Certificate[];
  readonly scopeRegion: string;
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Authenticates the signature; records what it read; throws the service's error. */
export function authenticateSignature(request: EmulatorRequest, record: RolesAnywhereCallRecord, nowMs: number, maxClockSkewMs: number): SignedRequest {
  const authorization = parseAuthorization(request.header("authorization"));
  Object.assign(record, {
    algorithm: authorization.algorithm,
    signedHeaders: authorization.signedHeaders,
    serialNumber: authorization.serial,
    host: request.header("host"),
    scopeRegion: authorization.scopeRegion,
  });
  checkScope(authorization);
  const amzDate = checkDate(request, authorization, nowMs, maxClockSkewMs);
  const { leaf, chain } = readCertificates(request);
  record.chainLength = chain.length;
  checkCertificate(leaf, authorization);
  const payloadHash = sha256Hex(request.body);
  const declaredHash = request.header("x-amz-content-sha256");
  if (declaredHash !== undefined && declaredHash !== payloadHash) throw denied("X-Amz-Content-Sha256 does not match the body.");
  const signed = Buffer.from(stringToSign(request, authorization, amzDate, payloadHash));
  if (!verify("sha256", signed, leaf.publicKey, Buffer.from(authorization.signatureHex, "hex"))) {
    throw denied("Signature validation failed: the signature does not match the request and the certificate's key.");
  }
  return { leaf, chain, scopeRegion: authorization.scopeRegion };
}

/** X-Amz-Date's shape, its distance from the server's clock and its agreement with the scope; returns it. */
function checkDate(request: EmulatorRequest, authorization: X509Authorization, nowMs: number, maxClockSkewMs: number): string {
  const amzDate = request.header("x-amz-date") ?? "";
  const date = AMZ_DATE.exec(amzDate);
  if (date === null) throw denied("X-Amz-Date must be YYYYMMDD'T'HHMMSS'Z'.");
  const [year, month, day, hours, minutes, seconds] = date.slice(1).map(Number) as [number, number, number, number, number, number];
  const signedAt = Date.UTC(year, month - 1, day, hours, minutes, seconds);
  if (Math.abs(nowMs - signedAt) > maxClockSkewMs) {
    throw denied(`Signature expired: X-Amz-Date ${amzDate} is more than ${maxClockSkewMs / 1000} s from the server's time.`);
  }
  if (authorization.scopeDate !== amzDate.slice(0, 8)) throw denied("The credential scope's date differs from X-Amz-Date.");
  return amzDate;
}

function readCertificates(request: EmulatorRequest): { leaf: X509Certificate; chain: X509Certificate[] } {
  try {
    const leaf = new X509Certificate(Buffer.from(request.header("x-amz-x509") ?? "", "base64"));
    const chainHeader = request.header("x-amz-x509-chain");
    const chain = chainHeader ? chainHeader.split(",").map((part) => new X509Certificate(Buffer.from(part.trim(), "base64"))) : [];
    return { leaf, chain };
  } catch {
    throw invalid("X-Amz-X509 and X-Amz-X509-Chain must hold base64 DER certificates.");
  }
}

/** The header's serial is the certificate's, and its algorithm fits the certificate's key. */
function checkCertificate(leaf: X509Certificate, authorization: X509Authorization): void {
  if (BigInt(`0x${leaf.serialNumber}`).toString(10) !== authorization.serial) {
    throw denied("The credential's serial number is not the X-Amz-X509 certificate's.");
  }
  const keyType = leaf.publicKey.asymmetricKeyType;
  const { algorithm } = authorization;
  if ((algorithm === "AWS4-X509-RSA-SHA256") !== (keyType === "rsa") || (keyType !== "rsa" && keyType !== "ec")) {
    throw denied(`${algorithm} does not match the certificate's ${keyType ?? "unknown"} key.`);
  }
}
