import { generateKeyPairSync, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ecdsaRawToDer } from "./pkcs11-sign.js";

describe(ecdsaRawToDer.name, () => {
  it.each(["prime256v1", "secp384r1"])("turns a raw r||s signature on %s into the DER that verifies", (namedCurve) => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve });
    const data = Buffer.from("string to sign");
    // Many signatures, so that r or s with a high bit set (or a leading zero byte) come up.
    for (let attempt = 0; attempt < 40; attempt++) {
      const raw = sign("sha256", data, { key: privateKey, dsaEncoding: "ieee-p1363" });
      const der = ecdsaRawToDer(raw);
      expect(verify("sha256", data, publicKey, der)).toBe(true);
      expect(der[0]).toBe(0x30);
    }
  });

  it("refuses a signature of odd length", () => {
    expect(() => ecdsaRawToDer(Buffer.alloc(63))).toThrow(expect.objectContaining({ code: "ROLES_ANYWHERE_PKCS11_FAILED" }));
  });
});
