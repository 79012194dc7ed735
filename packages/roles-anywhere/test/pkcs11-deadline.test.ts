// A token visit that does not finish (a hung token) is bounded by the deadline, and so is every visit queued behind
// it: the refresh gets a typed error in time instead of waiting forever. Its own file: the hung visit holds this
// worker's queue for the module until the worker ends.
import { createSoftHsmToken, type SoftHsmToken, softHsmUnavailableReason } from "@workload-identity/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { withTokenSession } from "../src/pkcs11-token.js";
import { parsePkcs11Uri } from "../src/pkcs11-uri.js";

const unavailable = softHsmUnavailableReason();
const PIN = "deadline-pin-31415926";
let token: SoftHsmToken;

beforeAll(async () => {
  if (unavailable !== undefined) return;
  token = await createSoftHsmToken({ label: "deadline", pin: PIN });
  vi.stubEnv("SOFTHSM2_CONF", token.conf);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await token?.close();
});

describe.skipIf(unavailable !== undefined)(`${withTokenSession.name}${unavailable === undefined ? "" : ` (skipped: ${unavailable})`}`, () => {
  it("rejects with ROLES_ANYWHERE_PKCS11_TIMEOUT when a visit does not finish, and bounds the visits queued behind it", async () => {
    const visit = { modulePath: token.modulePath, uri: parsePkcs11Uri("pkcs11:token=deadline", "privateKey"), pin: PIN, timeoutMs: 300 };
    const started = Date.now();
    const hung = withTokenSession(visit, () => new Promise<never>(() => undefined));
    const queued = withTokenSession(visit, async () => "never reached");
    await expect(hung).rejects.toMatchObject({ code: "ROLES_ANYWHERE_PKCS11_TIMEOUT" });
    await expect(queued).rejects.toMatchObject({ code: "ROLES_ANYWHERE_PKCS11_TIMEOUT" });
    expect(Date.now() - started).toBeLessThan(5_000);
    // While the hung visit has not returned, a new one fails at once, saying so, instead of queueing for its deadline.
    const afterwards = Date.now();
    await expect(withTokenSession(visit, async () => "never reached")).rejects.toMatchObject({
      code: "ROLES_ANYWHERE_PKCS11_TIMEOUT",
      message: expect.stringContaining("has not returned since"),
    });
    expect(Date.now() - afterwards).toBeLessThan(visit.timeoutMs);
  });
});
