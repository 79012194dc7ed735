// CreateSession's duration limits, apart from the option checks so the CLI's argument parser can use the default
// without loading the library (and the SDK packages behind its errors).

/** The least `durationSeconds` CreateSession accepts: 15 minutes. */
export const MIN_DURATION_SECONDS = 900;
/** The most `durationSeconds` CreateSession accepts: 12 hours. */
export const MAX_DURATION_SECONDS = 43_200;
/** The session duration requested when none is given (as AWS's signing helper does). */
export const DEFAULT_DURATION_SECONDS = 3600;
