import { createHash, verify, type X509Certificate } from "node:crypto";
import { CertificateMaterialError, Pkcs11Error } from "./errors.js";
import { describeCertificate, signingAlgorithmFor } from "./material.js";
import type { TokenKey } from "./pkcs11-objects.js";
import { call, returnValueOf, returnValueOption, type TokenSession } from "./pkcs11-token.js";
import type { CreateSessionSigner } from "./signer.js";

// Signing inside the token. RSA: CKM_SHA256_RSA_PKCS over the data (the token hashes). EC: CKM_ECDSA over the
// SHA-256 digest (P-384 too: Roles Anywhere signs SHA-256 with every key), whose raw r||s is re-encoded as the DER
// ECDSA-Sig-Value that AWS4-X509-ECDSA-SHA256 carries.

/** Room for any RSA (up to 8192 bits) or ECDSA signature. */
const SIGNATURE_BUFFER_BYTES = 1024;

/**
 * A signer for `key`, valid while the session is open. The algorithm follows the certificate's public key; each
 * signature is checked against it, so a key that is not the certificate's is reported, not sent.
 * @throws CertificateMaterialError `ROLES_ANYWHERE_UNSUPPORTED_KEY` or `ROLES_ANYWHERE_KEY_MISMATCH`
 */
export function tokenKeySigner(
  token: TokenSession,
  key: TokenKey,
  certificate: X509Certificate,
  options: { keyName: string; reusePin: boolean },
): CreateSessionSigner {
  const algorithm = signingAlgorithmFor(certificate.publicKey, "the certificate's public key");
  const expected = algorithm === "AWS4-X509-RSA-SHA256" ? "rsa" : "ec";
  if (key.keyType !== expected) throw mismatch(certificate, options.keyName);
  return {
    algorithm,
    sign: async (data) => {
      const signature = await signInToken(token, key, data, options);
      const der = expected === "ec" ? ecdsaRawToDer(signature) : signature;
      if (!verify("sha256", data, certificate.publicKey, der)) throw mismatch(certificate, options.keyName);
      return der;
    },
  };
}

async function signInToken(
  token: TokenSession,
  key: TokenKey,
  data: Buffer,
  options: { keyName: string; reusePin: boolean },
): Promise<Buffer> {
  const { binding, module, session } = token;
  const input = startSignature(token, key, data, options.keyName);
  if (key.alwaysAuthenticate) {
    if (!options.reusePin || token.pin === undefined) {
      throw new Pkcs11Error(
        "ROLES_ANYWHERE_PKCS11_PIN_REQUIRED",
        `The private key ${options.keyName} asks for a PIN before every signature (CKA_ALWAYS_AUTHENTICATE). Set ` +
          "reusePin (CLI: --reuse-pin) to log in again with the user PIN; nothing can prompt for another PIN here.",
      );
    }
    const pin = token.pin;
    call(() => module.C_Login(session, binding.CKU_CONTEXT_SPECIFIC, pin), "log in again (context-specific) for", options.keyName);
  }
  try {
    return await module.C_SignAsync(session, input, Buffer.alloc(SIGNATURE_BUFFER_BYTES));
  } catch (error) {
    throw new Pkcs11Error(
      "ROLES_ANYWHERE_PKCS11_FAILED",
      `The token "${token.tokenLabel}" failed to sign with the private key ${options.keyName} (${returnValueOf(error) ?? "error"}).`,
      { cause: error, ...returnValueOption(error) },
    );
  }
}

/** DER of `DigestInfo { sha256, NULL }` up to the digest: what PKCS#1 v1.5 signs ahead of a SHA-256 hash. */
const SHA256_DIGEST_INFO_PREFIX = Buffer.from("3031300d060960864801650304020105000420", "hex");

/** C_SignInit with the key's mechanism; returns what to sign with it. */
function startSignature(token: TokenSession, key: TokenKey, data: Buffer, keyName: string): Buffer {
  const { binding, module, session } = token;
  const digest = () => createHash("sha256").update(data).digest();
  const what = ["start a signature with", `the private key ${keyName}`] as const;
  if (key.keyType !== "rsa") {
    call(() => module.C_SignInit(session, { mechanism: binding.CKM_ECDSA }, key.handle), ...what);
    return digest();
  }
  try {
    module.C_SignInit(session, { mechanism: binding.CKM_SHA256_RSA_PKCS }, key.handle);
    return data;
  } catch (error) {
    // Any other failure is reported as every Cryptoki failure is.
    if (returnValueOf(error) !== "CKR_MECHANISM_INVALID") return call(() => { throw error; }, ...what);
  }
  // Tokens without the hashing mechanism (many smart cards) sign the DigestInfo with raw PKCS#1 v1.5: the same signature.
  call(() => module.C_SignInit(session, { mechanism: binding.CKM_RSA_PKCS }, key.handle), ...what);
  return Buffer.concat([SHA256_DIGEST_INFO_PREFIX, digest()]);
}

/** PKCS#11's ECDSA signature (r || s, each the curve's size) as DER `SEQUENCE { INTEGER r, INTEGER s }`. */
export function ecdsaRawToDer(raw: Buffer): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0) {
    throw new Pkcs11Error("ROLES_ANYWHERE_PKCS11_FAILED", `The token returned an ECDSA signature of ${raw.length} bytes, not r || s.`);
  }
  const half = raw.length / 2;
  const body = Buffer.concat([derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half))]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}

function derInteger(value: Buffer): Buffer {
  let start = 0;
  while (start < value.length - 1 && value[start] === 0) start++;
  const trimmed = value.subarray(start);
  // A set high bit would read as negative: prefix a zero byte.
  const content = (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
  return Buffer.concat([Buffer.from([0x02]), derLength(content.length), content]);
}

function derLength(length: number): Buffer {
  return length < 0x80 ? Buffer.from([length]) : Buffer.from([0x81, length]);
}

function mismatch(certificate: X509Certificate, keyName: string): CertificateMaterialError {
  return new CertificateMaterialError(
    "ROLES_ANYWHERE_KEY_MISMATCH",
    `The private key ${keyName} does not match the public key of the certificate ${describeCertificate(certificate)}. ` +
      "Point the URI at the key the certificate was issued for (same id= or object=).",
  );
}
