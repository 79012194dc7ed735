// What the hardware test helpers share about OpenSC's pkcs11-tool output.
import { createPublicKey } from "node:crypto";

/**
 * The SPKI of an EC key from pkcs11-tool's listing of its EC_POINT (`04 len 04 x y`, a DER OCTET STRING): OpenSC 0.23
 * cannot export a P-384 public key with --read-object ("cannot create EVP_PKEY"). The listing holds one key.
 */
export function ecPublicKey(keyType: "p256" | "p384", listing: string): Buffer {
  const hex = /EC_POINT:\s+([0-9a-f]+)/i.exec(listing)?.[1];
  if (hex === undefined) throw new Error(`pkcs11-tool printed no EC_POINT:\n${listing}`);
  const octets = Buffer.from(hex, "hex");
  const size = keyType === "p256" ? 32 : 48;
  const point = octets.subarray(octets.length - (2 * size + 1));
  const coordinate = (from: number) => point.subarray(from, from + size).toString("base64url");
  const crv = keyType === "p256" ? "P-256" : "P-384";
  return createPublicKey({ key: { kty: "EC", crv, x: coordinate(1), y: coordinate(1 + size) }, format: "jwk" }).export({
    format: "der",
    type: "spki",
  });
}
