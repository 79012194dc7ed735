import type { X509Certificate } from "node:crypto";
import { loadCredentialMaterial } from "./material.js";
import type { ResolvedRolesAnywhereOptions } from "./options.js";
import { usePkcs11Material } from "./pkcs11-material.js";
import { isPkcs11Uri } from "./pkcs11-uri.js";
import { type CreateSessionSigner, keyObjectSigner } from "./signer.js";

/** The certificate and chain to send, and what signs for them. */
export interface SigningMaterial {
  readonly certificate: X509Certificate;
  readonly chain: readonly X509Certificate[];
  readonly signer: CreateSessionSigner;
}

/**
 * Reads the material of one refresh and runs `use` with it: a key file becomes a KeyObject signer; a PKCS#11 URI a
 * signer inside a token session, which stays open only while `use` runs (sign there; send after).
 */
export async function useSigningMaterial<T>(
  options: ResolvedRolesAnywhereOptions,
  now: Date,
  use: (material: SigningMaterial) => Promise<T>,
): Promise<T> {
  if (isPkcs11Uri(options.privateKey)) return usePkcs11Material(options, now, use);
  // Without a PKCS#11 key the options check made the certificate required.
  const material = await loadCredentialMaterial({ ...options, certificate: options.certificate ?? "" }, now);
  return use({ certificate: material.certificate, chain: material.chain, signer: keyObjectSigner(material.privateKey) });
}
