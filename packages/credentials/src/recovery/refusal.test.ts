import { describe, expect, it } from "vitest";
import { REFUSED_CREDENTIALS_CODES, refusalOf } from "./refusal.js";

const CODES = new Set(REFUSED_CREDENTIALS_CODES);
const EXPIRATION = new Date("2026-11-23T12:00:00Z");
const identity = { accessKeyId: "AKIDTEST", secretAccessKey: "s".repeat(40), expiration: EXPIRATION };

/** An SDK service error as the SDK shapes it: name = code, `$metadata`, and the raw response. */
function serviceError(code: string, status: number, date?: Date): Error {
  return Object.assign(new Error("refused"), {
    name: code,
    $metadata: { httpStatusCode: status },
    $response: { statusCode: status, headers: date === undefined ? {} : { Date: date.toUTCString() } },
  });
}

describe(refusalOf.name, () => {
  it.each(REFUSED_CREDENTIALS_CODES)("counts %s as refused credentials", (code) => {
    expect(refusalOf(serviceError(code, 403), identity, CODES)).toEqual({ code, reason: "refused-code", httpStatusCode: 403 });
  });

  it("reads the protocol's Code before the error's name", () => {
    const error = Object.assign(serviceError("Unknown", 400), { Code: "ExpiredToken" });
    expect(refusalOf(error, identity, CODES)).toMatchObject({ code: "ExpiredToken" });
  });

  it.each(["AccessDenied", "AccessDeniedException", "UnauthorizedOperation"])("leaves %s alone while the credentials are valid by the service's clock", (code) => {
    expect(refusalOf(serviceError(code, 403, new Date(EXPIRATION.getTime() - 1_000)), identity, CODES)).toBeUndefined();
    expect(refusalOf(serviceError(code, 403), identity, CODES)).toBeUndefined();
  });

  it("counts a 400/401/403 as refused credentials once the service's Date is at or past their expiration", () => {
    for (const status of [400, 401, 403]) {
      expect(refusalOf(serviceError("AccessDenied", status, EXPIRATION), identity, CODES)).toEqual({
        code: "AccessDenied",
        reason: "expired-by-service-clock",
        httpStatusCode: status,
      });
    }
  });

  it("never counts a server error, throttling or credentials without expiration by the service's clock", () => {
    const late = new Date(EXPIRATION.getTime() + 3_600_000);
    expect(refusalOf(serviceError("InternalError", 500, late), identity, CODES)).toBeUndefined();
    expect(refusalOf(serviceError("SlowDown", 503, late), identity, CODES)).toBeUndefined();
    const { expiration: _, ...permanent } = identity;
    expect(refusalOf(serviceError("AccessDenied", 403, late), permanent, CODES)).toBeUndefined();
  });

  it.each(["RequestTimeTooSkewed", "SignatureDoesNotMatch", "InvalidSignatureException", "RequestExpired", "RequestInTheFuture", "AuthFailure"])(
    "leaves %s to the SDK's clock-skew correction, whatever the service's clock says",
    (code) => {
      expect(refusalOf(serviceError(code, 403, new Date(EXPIRATION.getTime() + 3_600_000)), identity, CODES)).toBeUndefined();
    },
  );

  it("takes the codes it is given instead of the default list", () => {
    expect(refusalOf(serviceError("ExpiredToken", 400), identity, new Set(["CustomRefusal"]))).toBeUndefined();
    expect(refusalOf(serviceError("CustomRefusal", 400), identity, new Set(["CustomRefusal"]))).toMatchObject({ reason: "refused-code" });
  });

  it("ignores what is not a service error", () => {
    expect(refusalOf(new Error("socket hang up"), identity, CODES)).toBeUndefined();
    expect(refusalOf("ExpiredToken", identity, CODES)).toBeUndefined();
  });
});
