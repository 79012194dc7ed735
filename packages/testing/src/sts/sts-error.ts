/** An STS error answer: the status and the `<Error>` of the Query protocol. */
export class StsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: "Sender" | "Receiver" = "Sender",
  ) {
    super(message);
  }
}

/** An answer written as it is, for faults that break the protocol on purpose. */
export class RawAnswer {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {}
}

/** STS's answer to anything unexpected. */
export const internalFailure = (): StsError => new StsError(500, "InternalFailure", "An internal error occurred.", "Receiver");

/** STS's answer when it cannot fetch the issuer's keys (its wording, double space included). */
export const idpCommunicationError = (): StsError =>
  new StsError(
    400,
    "IDPCommunicationError",
    "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
  );
