// The redaction rule alone, for a start path that must not load the SDK (the `roles-anywhere` CLI's cached
// `credential-process`): `@workload-identity/core/redaction`. The same functions as the package's main entry, the
// same process-wide registry.
export { describeError } from "./describe-error.js";
export { REDACTED, redact, redactValue } from "./redact.js";
export { isRegisteredSecret, MIN_SECRET_LENGTH, registerSecret } from "./secret-registry.js";
export { looksLikeSecret } from "./secret-shapes.js";
