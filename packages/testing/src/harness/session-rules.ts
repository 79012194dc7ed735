// AWS's rules for a session request, as both emulators enforce them. The emulators keep their own copy, not core's:
// a test then catches a client whose rule drifted from AWS's instead of agreeing with it.

/** A role session name: 2 to 64 characters of letters, digits and `+=,.@_-`. */
export const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/** Whether a requested session duration is within AWS's 15 minutes to 12 hours. */
export function durationInRange(seconds: number): boolean {
  return seconds >= 900 && seconds <= 43_200;
}
