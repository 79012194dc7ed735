import { XMLNS } from "./respond.js";
import { idpCommunicationError, RawAnswer, StsError } from "./sts-error.js";
import type { StsFault } from "./types.js";

/** Serves a fault: throws the answer it makes, waits (`delay`, then the call goes on) or never returns (`hang`). */
export async function applyFault(fault: StsFault, params: URLSearchParams): Promise<void> {
  switch (fault.kind) {
    case "hang":
      await new Promise(() => undefined);
      return;
    case "echo-request":
      throw new StsError(400, "ValidationError", `Request could not be processed: ${params.toString()}`);
    case "truncated-success":
      throw new RawAnswer(
        200,
        `<AssumeRoleWithWebIdentityResponse xmlns="${XMLNS}"><AssumeRoleWithWebIdentityResult><Credentials>` +
          `<AccessKeyId>ASIATRUNCATED0000001</AccessKeyId><SecretAccessKey>${fault.secretAccessKey}</SecretAccessKey>` +
          `<SessionToken>${fault.sessionToken}</SessionToken><Expira`,
      );
    case "http-500":
      throw new StsError(500, "InternalFailure", "An internal error occurred.", "Receiver");
    case "throttling":
      throw new StsError(400, "Throttling", "Rate exceeded");
    case "idp-communication-error":
      throw idpCommunicationError();
    case "invalid-identity-token":
      throw new StsError(400, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider");
    case "delay":
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
  }
}
