import { describe, expect, it } from "vitest";
import { formatPkcs11Uri, isPkcs11Uri, parsePkcs11Uri, printablePkcs11Uri } from "./pkcs11-uri.js";

describe(parsePkcs11Uri.name, () => {
  it("reads the token and object attributes AWS's helper takes, percent-decoded, and the query", () => {
    const uri = parsePkcs11Uri(
      "pkcs11:token=My%20Token;manufacturer=SoftHSM%20project;serial=a1b2;model=SoftHSM%20v2;slot-id=7;object=ra%2Dkey;id=%01%A2;type=private" +
        "?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/run/secrets/pin",
      "privateKey",
    );
    expect(uri).toEqual({
      token: { token: "My Token", manufacturer: "SoftHSM project", serial: "a1b2", model: "SoftHSM v2", "slot-id": "7" },
      object: "ra-key",
      id: Buffer.from([0x01, 0xa2]),
      type: "private",
      modulePath: "/usr/lib/softhsm/libsofthsm2.so",
      pinValue: undefined,
      pinSource: "file:/run/secrets/pin",
    });
  });

  it("ignores vendor attributes (x-…) and empty parts", () => {
    expect(parsePkcs11Uri("pkcs11:x-vendor=1;;object=k", "privateKey")).toMatchObject({ object: "k", token: {} });
  });

  it.each([
    ["an unknown attribute", "pkcs11:objekt=k", /"objekt" is not an attribute/],
    ["an attribute given twice", "pkcs11:object=a;object=b", /object is given twice/],
    ["a bad percent escape", "pkcs11:id=%0g", /not followed by two hex digits/],
    ["an unknown type", "pkcs11:object=k;type=secret", /type must be one of/],
    ["both pin-value and pin-source", "pkcs11:object=k?pin-value=1234&pin-source=/p", /pin-value or pin-source/],
    ["module-name", "pkcs11:object=k?module-name=softhsm2", /module-path/],
  ])("refuses %s with ROLES_ANYWHERE_PKCS11_INVALID_URI", (_, text, message) => {
    expect(() => parsePkcs11Uri(text, "privateKey")).toThrow(
      expect.objectContaining({ code: "ROLES_ANYWHERE_PKCS11_INVALID_URI", option: "privateKey", message: expect.stringMatching(message) }),
    );
  });

  it("never quotes a value in its errors (a value may be the PIN)", () => {
    const error = (() => {
      try {
        parsePkcs11Uri("pkcs11:object=k?pin-value=246813&pin-value=246813", "privateKey");
      } catch (caught) {
        return caught as Error;
      }
      throw new Error("expected an error");
    })();
    expect(error.message).not.toContain("246813");
  });
});

describe(formatPkcs11Uri.name, () => {
  it("prints every attribute but pin-value, re-encoded", () => {
    const uri = parsePkcs11Uri("pkcs11:token=My%20Token;object=k;id=%01;type=private?module-path=/m.so&pin-value=135792", "privateKey");
    expect(formatPkcs11Uri(uri)).toBe("pkcs11:token=My%20Token;object=k;id=%01;type=private?module-path=/m.so");
  });

  it("round-trips through the parser", () => {
    const text = "pkcs11:token=T;serial=42;object=a%3Bb;id=%ff%00?pin-source=/run/pin";
    expect(parsePkcs11Uri(formatPkcs11Uri(parsePkcs11Uri(text, "x")), "x")).toEqual(parsePkcs11Uri(text, "x"));
  });
});

describe(printablePkcs11Uri.name, () => {
  it("hides the PIN, and hides a malformed URI entirely", () => {
    expect(printablePkcs11Uri("pkcs11:object=k?pin-value=975310")).toBe("pkcs11:object=k");
    expect(printablePkcs11Uri("pkcs11:object=k?pin-value=975310&pin-value=1")).toBe("pkcs11:(malformed)");
  });
});

describe(isPkcs11Uri.name, () => {
  it("tells URIs from paths and PEM", () => {
    expect(isPkcs11Uri("pkcs11:object=k")).toBe(true);
    expect(isPkcs11Uri("PKCS11:object=k")).toBe(true);
    expect(isPkcs11Uri("/etc/pki/key.pem")).toBe(false);
    expect(isPkcs11Uri(new Uint8Array([1]))).toBe(false);
  });
});
