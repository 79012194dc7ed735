/**
 * A bad argument to a factory (`withRefresh`, `fromTokenFile`, `fromEnvironmentAware`, …), thrown synchronously when
 * the factory is called: a `TypeError`, as a bad argument is in JavaScript, with the stable `code` every error of this
 * project carries. The message names the option and its rule.
 */
export class InvalidOptionError extends TypeError {
  /** Always `INVALID_OPTION`. */
  readonly code = "INVALID_OPTION";

  constructor(message: string) {
    super(message);
    this.name = "InvalidOptionError";
  }
}
