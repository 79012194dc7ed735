/** STS's rule for a role session name: 2 to 64 characters of letters, digits and `+=,.@_-`. */
export const SESSION_NAME_PATTERN = /^[\w+=,.@-]{2,64}$/;
/** The rule above, for messages. */
export const SESSION_NAME_RULE = "2 to 64 characters of letters, digits and +=,.@_-";

/** The shortest role session STS issues: 15 minutes. */
export const MIN_SESSION_DURATION_SECONDS = 900;
/** The longest role session STS issues: 12 hours (and at most the role's maximum session duration). */
export const MAX_SESSION_DURATION_SECONDS = 43_200;

/** Whether `value` is a whole number of seconds STS accepts as a session duration. */
export function isSessionDuration(value: unknown): value is number {
  return (
    typeof value === "number" &&
    Number.isInteger(value) &&
    value >= MIN_SESSION_DURATION_SECONDS &&
    value <= MAX_SESSION_DURATION_SECONDS
  );
}

/** The longest session STS issues for role chaining (AssumeRole signed with a role session's credentials): 1 hour. */
export const MAX_CHAINED_SESSION_DURATION_SECONDS = 3_600;

/** STS's rule for AssumeRole's `ExternalId`: 2 to 1224 characters of letters, digits and `+=,.@:/_-`. */
export const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;
/** The rule above, for messages. */
export const EXTERNAL_ID_RULE = "2 to 1224 characters of letters, digits and +=,.@:/_-";
