export {
  CredentialsExpiredError,
  RefreshTimeoutError,
  SourceReturnedExpiredCredentialsError,
  SourceReturnedInvalidCredentialsError,
  WorkloadIdentityError,
  type WorkloadIdentityErrorOptions,
} from "./errors.js";
export { formatLogFields, type RefreshLogEntry, refreshEventLogEntry } from "./event-log.js";
export type { RefreshEvent, RefreshEventType, RefreshReason } from "./events.js";
export {
  DEFAULT_REFRESH_TIMEOUT_MS,
  defaultRefreshBeforeMs,
  type RefreshOptions,
  refreshOptionsAbove,
  type RetryOptions,
  type SetTimer,
  validateRefreshOptions,
} from "./options.js";
export { type RefreshCallOptions, withRefresh } from "./with-refresh.js";
