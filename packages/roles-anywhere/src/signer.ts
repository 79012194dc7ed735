import { type KeyObject, sign } from "node:crypto";
import { type SigningAlgorithm, signingAlgorithmFor } from "./material.js";

// Whatever holds the private key signs the string to sign: a KeyObject in this process, or a key in a PKCS#11 token
// that never leaves it. The request itself is built once, in sign.ts, for both.

/** Signs CreateSession's string to sign with a certificate's private key. */
export interface CreateSessionSigner {
  /** From the key's type: RSA, or EC P-256/P-384. */
  readonly algorithm: SigningAlgorithm;
  /** The signature of `data` (SHA-256; PKCS#1 v1.5 for RSA, DER-encoded ECDSA for EC). */
  sign(data: Buffer): Promise<Buffer>;
}

// A KeyObject is immutable: resolve its algorithm (and refuse unsupported keys) once.
const algorithms = new WeakMap<KeyObject, SigningAlgorithm>();

/** The algorithm of a key, cached per KeyObject. @throws CertificateMaterialError `ROLES_ANYWHERE_UNSUPPORTED_KEY` */
export function algorithmOf(key: KeyObject): SigningAlgorithm {
  let algorithm = algorithms.get(key);
  if (algorithm === undefined) {
    algorithm = signingAlgorithmFor(key);
    algorithms.set(key, algorithm);
  }
  return algorithm;
}

/** Signs with a key in this process (node:crypto; ECDSA signatures are DER, as Roles Anywhere expects). */
export function signWithKeyObject(key: KeyObject, data: Buffer): Buffer {
  return sign("sha256", data, key);
}

/** A signer for a private key held in this process. @throws CertificateMaterialError for an unsupported key */
export function keyObjectSigner(key: KeyObject): CreateSessionSigner {
  const algorithm = algorithmOf(key);
  return { algorithm, sign: async (data) => signWithKeyObject(key, data) };
}
