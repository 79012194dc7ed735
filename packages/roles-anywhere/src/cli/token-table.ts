import { randomBytes } from "node:crypto";

/** IMDSv2 session tokens: issued by `PUT /latest/api/token`, checked on every metadata read. */
export interface TokenTable {
  /** Issues a token valid for `ttlSeconds`; evicts the earliest-expiring token when the table is full. */
  issue(ttlSeconds: number): string;
  /** The whole seconds left on a token, or `undefined` when it is unknown or expired. */
  remainingSeconds(token: string): number | undefined;
  readonly size: number;
}

/** Options of {@link createTokenTable}. */
export interface TokenTableOptions {
  /** @defaultValue 256 (as AWS's helper) */
  maxTokens?: number;
  /** Milliseconds since the epoch. @defaultValue Date.now */
  now?: () => number;
}

/** Creates a bounded token table. Expired tokens are dropped when a new one is issued; no timer runs. */
export function createTokenTable(options: TokenTableOptions = {}): TokenTable {
  const maxTokens = options.maxTokens ?? 256;
  const now = options.now ?? Date.now;
  const expiries = new Map<string, number>();

  const purge = (at: number): void => {
    for (const [token, expiresAt] of expiries) if (expiresAt <= at) expiries.delete(token);
    while (expiries.size >= maxTokens) {
      let earliest: string | undefined;
      let earliestAt = Infinity;
      for (const [token, expiresAt] of expiries) {
        if (expiresAt < earliestAt) [earliest, earliestAt] = [token, expiresAt];
      }
      if (earliest === undefined) break;
      expiries.delete(earliest);
    }
  };

  return {
    issue(ttlSeconds) {
      const at = now();
      purge(at);
      const token = randomBytes(42).toString("base64url");
      expiries.set(token, at + ttlSeconds * 1000);
      return token;
    },
    remainingSeconds(token) {
      const expiresAt = expiries.get(token);
      if (expiresAt === undefined) return undefined;
      const remainingMs = expiresAt - now();
      if (remainingMs <= 0) {
        expiries.delete(token);
        return undefined;
      }
      return Math.ceil(remainingMs / 1000);
    },
    get size() {
      return expiries.size;
    },
  };
}
