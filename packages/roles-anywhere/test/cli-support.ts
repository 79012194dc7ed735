import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";
import { type RefreshOptions, withRefresh } from "@workload-identity/refresh";

/** Planted secrets: the tests assert none of them ever appears in any output. */
export const PLANTED = {
  secretAccessKey: "PLANTEDsecretKEYdoNOTprint0123456789abcd",
  sessionToken: "PLANTEDsessionTOKENdoNOTprint//+==",
  passphrase: "planted-passphrase-do-not-print",
} as const;

/** A controllable clock, in milliseconds. */
export function createClock(start = Date.parse("2030-01-01T00:00:00Z")) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

/**
 * A fake CreateSession: numbered credentials that live `lifetimeMs`, with a switch to make it fail. Wrapped in
 * `withRefresh` on the test's clock, like `fromRolesAnywhere`.
 */
export function createFakeSource(clock: { now: () => number }, lifetimeMs = 3_600_000) {
  let calls = 0;
  let failure: Error | undefined;
  const source = async (): Promise<AwsCredentialIdentity> => {
    calls += 1;
    if (failure !== undefined) throw failure;
    return {
      accessKeyId: `ASIAFAKE${String(calls).padStart(8, "0")}`,
      secretAccessKey: `${PLANTED.secretAccessKey}${calls}`,
      sessionToken: `${PLANTED.sessionToken}${calls}`,
      expiration: new Date(clock.now() + lifetimeMs),
      accountId: "123456789012",
    };
  };
  return {
    get calls() {
      return calls;
    },
    fail(error: Error | undefined) {
      failure = error;
    },
    provider(refresh: RefreshOptions = {}): AwsCredentialIdentityProvider {
      return withRefresh(source, { jitter: false, ...refresh, now: clock.now, random: () => 0 });
    },
  };
}

/** An error shaped like the library's: a stable code and a message. */
export function serviceError(code: string, message: string): Error {
  return Object.assign(new Error(message), { name: "RolesAnywhereServiceError", code });
}
