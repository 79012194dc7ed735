import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** IMDSv2 session tokens: issued by `PUT /latest/api/token`, checked on every metadata read. */
export interface SessionTokens {
  /** Issues a token valid for `ttlSeconds`. */
  issue(ttlSeconds: number): string;
  /** The whole seconds left on a token, or `undefined` when it is not one of ours or has expired. */
  remainingSeconds(token: string): number | undefined;
}

/** Options of {@link createSessionTokens}. */
export interface SessionTokensOptions {
  /** Milliseconds since the epoch. @defaultValue Date.now */
  now?: () => number;
}

const EXPIRY_BYTES = 8;
const NONCE_BYTES = 16;
/** HMAC-SHA256 cut to 192 bits: 48 bytes in all, a multiple of 3, so one token has exactly one base64url form. */
const MAC_BYTES = 24;
const TOKEN_BYTES = EXPIRY_BYTES + NONCE_BYTES + MAC_BYTES;
const TOKEN_PATTERN = /^[\w-]{64}$/;

/**
 * Creates self-contained tokens: each carries its expiry and a random nonce, signed with HMAC-SHA256 under a key that
 * lives only in this process. Nothing is stored per token, so a flood of `PUT`s costs no memory and cannot push a
 * well-behaved client's token out of a table (with a bounded table, 256 `PUT`s from any local process evicted every
 * other client's token). A token dies with its TTL or with the process, as an IMDS token dies with its instance.
 */
export function createSessionTokens(options: SessionTokensOptions = {}): SessionTokens {
  const now = options.now ?? Date.now;
  const key = randomBytes(32);
  const mac = (payload: Buffer): Buffer => createHmac("sha256", key).update(payload).digest().subarray(0, MAC_BYTES);

  return {
    issue(ttlSeconds) {
      const payload = Buffer.alloc(EXPIRY_BYTES + NONCE_BYTES);
      payload.writeBigUInt64BE(BigInt(now() + ttlSeconds * 1000));
      randomBytes(NONCE_BYTES).copy(payload, EXPIRY_BYTES);
      return Buffer.concat([payload, mac(payload)]).toString("base64url");
    },
    remainingSeconds(token) {
      if (!TOKEN_PATTERN.test(token)) return undefined;
      const bytes = Buffer.from(token, "base64url");
      if (bytes.length !== TOKEN_BYTES) return undefined;
      const payload = bytes.subarray(0, EXPIRY_BYTES + NONCE_BYTES);
      if (!timingSafeEqual(bytes.subarray(EXPIRY_BYTES + NONCE_BYTES), mac(payload))) return undefined;
      const remainingMs = Number(payload.readBigUInt64BE()) - now();
      return remainingMs > 0 ? Math.ceil(remainingMs / 1000) : undefined;
    },
  };
}
