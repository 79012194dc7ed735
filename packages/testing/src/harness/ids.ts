import { randomBytes, randomUUID } from "node:crypto";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** A request id as AWS services send them (`x-amzn-RequestId`): a UUID. */
export function newRequestId(): string {
  return randomUUID();
}

/** `count` random characters of AWS's key-id alphabet (A–Z, 2–7), as in `ASIA…` and `AROA…` ids. */
export function randomId(count: number): string {
  return Array.from(randomBytes(count), (byte) => BASE32[byte % 32]).join("");
}
