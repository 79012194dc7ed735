/** What is known about a shared provider, for `explain` and `whoami`. Holds no secret. */
export interface SharedSourceState {
  /** Which link of the SDK chain answered last (sdk-chain only). */
  link?: string;
  /** Expiration of the credentials last resolved; `null` when they do not expire. */
  expiration?: Date | null;
  /** When credentials were last resolved from the source. */
  resolvedAt?: Date;
  /** With role chaining (`assumeRole`): the same about the base credentials, in their own cache. */
  base?: SharedSourceState;
}
