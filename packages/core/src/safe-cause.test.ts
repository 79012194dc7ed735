import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { WorkloadIdentityError } from "./errors.js";
import { safeCause } from "./safe-cause.js";

const SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE9k";

/** The shape of an SDK deserialization error: the whole response body on hidden properties. */
function sdkError(): Error {
  const error = new Error("Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.");
  error.name = "SyntaxError";
  const body = `<AssumeRoleWithWebIdentityResponse><Credentials><SecretAccessKey>${SECRET_KEY}</SecretAccessKey>`;
  Object.defineProperty(error, "$response", { value: { statusCode: 200, body }, enumerable: false });
  Object.defineProperty(error, "$responseBodyText", { value: body, enumerable: false });
  Object.assign(error, { $metadata: { httpStatusCode: 200, requestId: "req-1" }, $fault: "client", Code: "Malformed" });
  error.cause = new Error(`Unexpected end of input near ${SECRET_KEY}`);
  return error;
}

describe(safeCause.name, () => {
  it("keeps name, code, status and request id of an SDK error, and never its response", () => {
    const copy = safeCause(sdkError()) as Error & Record<string, unknown>;
    expect(copy).toMatchObject({ name: "SyntaxError", code: "Malformed", httpStatusCode: 200, requestId: "req-1" });
    expect(copy.$response).toBeUndefined();
    const text = inspect(copy, { showHidden: true, depth: null });
    expect(text).not.toContain(SECRET_KEY);
    expect(text).toContain("Unexpected end of input near [REDACTED]");
  });

  it("keeps the frames of the original stack, under the redacted message", () => {
    const original = new Error(`failed with ${SECRET_KEY}`);
    const copy = safeCause(original) as Error;
    expect(copy.stack).not.toContain(SECRET_KEY);
    expect(copy.stack?.split("\n")[1]).toBe(original.stack?.split("\n")[1]);
  });

  it("passes errors of this project as they are, and describes anything else", () => {
    const ours = new WorkloadIdentityError("X", "ours");
    expect(safeCause(ours)).toBe(ours);
    expect(safeCause(`thrown text ${SECRET_KEY}`)).toMatchObject({ name: "NonErrorCause", message: "thrown text [REDACTED]" });
    expect(safeCause(undefined)).toBeUndefined();
  });
});
