import { constants, createPrivateKey, generateKeyPairSync, privateEncrypt, sign, verify, X509Certificate } from "node:crypto";
import { createTestPki } from "@workload-identity/testing";
import type { PKCS11 } from "pkcs11js";
import { describe, expect, it } from "vitest";
import type { Pkcs11Binding } from "./pkcs11-binding.js";
import { ecdsaRawToDer, tokenKeySigner } from "./pkcs11-sign.js";
import type { TokenSession } from "./pkcs11-token.js";

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

  it("prefixes a zero to an r with its high bit set and strips the leading zeros of s (fixed vector)", () => {
    const r = Buffer.alloc(32, 0x81);
    const s = Buffer.concat([Buffer.from([0x00, 0x00, 0x7f]), Buffer.alloc(29, 0x22)]);
    const expected = Buffer.concat([
      Buffer.from([0x30, 0x43]),
      Buffer.from([0x02, 0x21, 0x00]),
      r,
      Buffer.from([0x02, 0x1e]),
      s.subarray(2),
    ]);
    expect(ecdsaRawToDer(Buffer.concat([r, s]))).toEqual(expected);
  });

  it("refuses a signature of odd length", () => {
    expect(() => ecdsaRawToDer(Buffer.alloc(63))).toThrow(expect.objectContaining({ code: "ROLES_ANYWHERE_PKCS11_FAILED" }));
  });
});

describe("an RSA key in a token without CKM_SHA256_RSA_PKCS", () => {
  it("signs the SHA-256 DigestInfo with raw CKM_RSA_PKCS: the same signature, which verifies", async () => {
    const pki = await createTestPki({ keyType: "rsa2048" });
    const leaf = await pki.issueLeaf({ keyType: "rsa2048" });
    const privateKey = createPrivateKey(leaf.privateKeyPem);
    const binding = { CKM_SHA256_RSA_PKCS: 0x40, CKM_RSA_PKCS: 0x01, CKM_ECDSA: 0x1041 } as unknown as Pkcs11Binding;
    const mechanisms: number[] = [];
    // A token as many smart cards are: the hashing RSA mechanism is missing; the raw one pads and signs what it gets.
    const module = {
      C_SignInit: (_session: Buffer, { mechanism }: { mechanism: number }) => {
        mechanisms.push(mechanism);
        if (mechanism !== 0x01) throw new Error("CKR_MECHANISM_INVALID");
      },
      C_SignAsync: async (_session: Buffer, input: Buffer) => privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, input),
    } as unknown as PKCS11;
    const token: TokenSession = { binding, module, session: Buffer.alloc(8), tokenLabel: "card", pin: undefined };
    const key = { handle: Buffer.alloc(8), id: Buffer.from([1]), label: "k", keyType: "rsa" as const, alwaysAuthenticate: false };
    const data = Buffer.from("AWS4-X509-RSA-SHA256\nstring to sign");
    const signature = await tokenKeySigner(token, key, new X509Certificate(leaf.certificatePem), { keyName: "k", reusePin: false }).sign(data);
    expect(mechanisms).toEqual([0x40, 0x01]);
    expect(signature).toEqual(sign("sha256", data, privateKey));
  });
});
