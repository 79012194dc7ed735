export { describeError } from "./describe-error.js";
export { WorkloadIdentityError, type WorkloadIdentityErrorOptions } from "./errors.js";
export { REDACTED, redact, redactValue } from "./redact.js";
export { safeCause } from "./safe-cause.js";
export { isRegisteredSecret, MIN_SECRET_LENGTH, registerSecret } from "./secret-registry.js";
export { looksLikeSecret } from "./secret-shapes.js";
export { type ParsedArn, parseArn, parseRoleArn, ROLE_ARN_EXAMPLE } from "./aws/arn.js";
export { isRegion } from "./aws/region.js";
export {
  isSessionDuration,
  MAX_SESSION_DURATION_SECONDS,
  MIN_SESSION_DURATION_SECONDS,
  SESSION_NAME_PATTERN,
  SESSION_NAME_RULE,
} from "./aws/session.js";
