/** An error answer of the restJson1 protocol: status, `x-amzn-ErrorType` and message. */
export class RolesAnywhereError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** 403 AccessDeniedException: the signature, the certificate or the ARNs do not hold. */
export const denied = (message: string): RolesAnywhereError => new RolesAnywhereError(403, "AccessDeniedException", message);

/** 400 ValidationException: the request is malformed. */
export const invalid = (message: string): RolesAnywhereError => new RolesAnywhereError(400, "ValidationException", message);
