export {
  CredentialsExpiredError,
  RefreshTimeoutError,
  SourceReturnedExpiredCredentialsError,
  SourceReturnedInvalidCredentialsError,
  WorkloadIdentityError,
  type WorkloadIdentityErrorOptions,
} from "./errors.js";
export type { RefreshEvent, RefreshEventType, RefreshReason } from "./events.js";
export {
  defaultRefreshBeforeMs,
  type RefreshOptions,
  type RetryOptions,
  type SetTimer,
} from "./options.js";
export { type RefreshCallOptions, withRefresh } from "./with-refresh.js";
