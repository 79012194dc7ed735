import { inspect } from "node:util";
import { CredentialsProviderError } from "@smithy/property-provider";
import { describe, expect, it } from "vitest";
import { WorkloadIdentityError } from "./errors.js";
import { registerSecret } from "./secret-registry.js";

describe(WorkloadIdentityError.name, () => {
  it("is a CredentialsProviderError with a stable code and the chain's tryNextLink", () => {
    const error = new WorkloadIdentityError("SOME_CODE", "what to fix", { tryNextLink: true });
    expect(error).toBeInstanceOf(CredentialsProviderError);
    expect(error).toMatchObject({ name: "WorkloadIdentityError", code: "SOME_CODE", tryNextLink: true, message: "what to fix" });
    expect(new WorkloadIdentityError("C", "m").tryNextLink).toBe(false);
  });

  it("redacts its message, stack and cause, whatever a subclass quotes", () => {
    const passphrase = "planted-passphrase-0042";
    registerSecret(passphrase);
    const cause = Object.assign(new Error(`echo: ${passphrase}`), { $response: { body: passphrase } });
    const error = new WorkloadIdentityError("C", `could not use ${passphrase}`, { cause });
    for (const text of [error.message, error.stack ?? "", String(error), JSON.stringify(error), inspect(error, { showHidden: true, depth: null })]) {
      expect(text).not.toContain(passphrase);
    }
    expect((error.cause as Error).message).toBe("echo: [REDACTED]");
  });
});
