// SigV4's canonical request and string to sign, rebuilt from what came over the wire — the emulator's own code,
// independent of the client's signer, so a test catches a signer that drifts from the protocol.
import { createHash } from "node:crypto";
import type { EmulatorRequest } from "../harness/emulator-server.js";
import type { X509Authorization } from "./authorization-header.js";

/** The hex SHA-256 of a body or text. */
export function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The string the client must have signed, for this request as received. */
export function stringToSign(request: EmulatorRequest, authorization: X509Authorization, amzDate: string, payloadHash: string): string {
  const { algorithm, credential, headerNames, serial, signedHeaders } = authorization;
  const canonicalHeaders = headerNames.map((name) => `${name}:${canonicalValue(request, name)}\n`).join("");
  const query = canonicalQuery(request.url.searchParams);
  const canonicalRequest = `${request.method}\n${request.url.pathname}\n${query}\n${canonicalHeaders}\n${signedHeaders}\n${payloadHash}`;
  return `${algorithm}\n${amzDate}\n${credential.slice(serial.length + 1)}\n${sha256Hex(canonicalRequest)}`;
}

function canonicalValue(request: EmulatorRequest, name: string): string {
  return (request.header(name) ?? "").trim().replace(/ +/g, " ");
}

function canonicalQuery(params: URLSearchParams): string {
  const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return [...params]
    .map(([key, value]) => [encode(key), encode(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
}
