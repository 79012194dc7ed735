/** Why a refresh started. */
export type RefreshReason =
  /** No credentials were cached yet. */
  | "initial"
  /** Inside the advisory window: runs in the background, callers keep the cached credentials. */
  | "advisory"
  /** Inside the mandatory window: callers wait for it. */
  | "mandatory"
  /** The cached credentials had expired. */
  | "expired"
  /** A caller asked for `forceRefresh`. */
  | "forced";

/** Events emitted through `onEvent`. None of them carries a credential. */
export type RefreshEvent =
  | { readonly type: "refresh-started"; readonly reason: RefreshReason }
  | {
      readonly type: "refreshed";
      readonly reason: RefreshReason;
      /** `undefined` for credentials that never expire. */
      readonly expiration: Date | undefined;
      readonly durationMs: number;
    }
  | {
      readonly type: "refresh-failed";
      readonly reason: RefreshReason;
      /**
       * What failed: the source's error, a `SourceReturned…Error` for an unusable answer, or a `RefreshTimeoutError`
       * when the source did not settle within `refreshTimeoutMs`.
       */
      readonly error: unknown;
      readonly consecutiveFailures: number;
      /** No new attempt is made before this time; callers in between get the cache or this error. */
      readonly nextAttemptAt: Date;
    }
  | {
      /** Emitted once per failed refresh, when callers start getting the still-valid cached credentials. */
      readonly type: "stale-credentials-served";
      readonly expiration: Date | undefined;
      readonly error: unknown;
    }
  | { readonly type: "forced-refresh" }
  | {
      /** The source returned credentials that expire inside the mandatory window. */
      readonly type: "short-lived-credentials";
      readonly expiration: Date;
      readonly remainingMs: number;
    };

/** The names of all events. */
export type RefreshEventType = RefreshEvent["type"];
