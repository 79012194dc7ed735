import { X509Certificate } from "node:crypto";
import type { Template } from "pkcs11js";
import { CertificateMaterialError, Pkcs11Error } from "./errors.js";
import { call, type TokenSession } from "./pkcs11-token.js";

// Finding the private key and its certificate in a token, as AWS's helper does: by CKA_LABEL (`object=`) and CKA_ID
// (`id=`); the certificate of a key is the certificate object with the key's CKA_ID (else its label).

/** A private key object in the token. */
export interface TokenKey {
  readonly handle: Buffer;
  /** CKA_ID, possibly empty. */
  readonly id: Buffer;
  /** CKA_LABEL, possibly empty. */
  readonly label: string;
  readonly keyType: "rsa" | "ec" | "other";
  /** CKA_ALWAYS_AUTHENTICATE: the user must log in again (CKU_CONTEXT_SPECIFIC) before each signature. */
  readonly alwaysAuthenticate: boolean;
}

/** What selects an object: its label and/or id. */
export interface ObjectSelector {
  readonly object: string | undefined;
  readonly id: Buffer | undefined;
}

/** At most this many matches are read: one is wanted, a second is enough to refuse the URI. */
const MAX_MATCHES = 8;

/**
 * The one private key the selector names.
 * @throws Pkcs11Error `ROLES_ANYWHERE_PKCS11_OBJECT_NOT_FOUND` or `ROLES_ANYWHERE_PKCS11_AMBIGUOUS`
 */
export function findPrivateKey(token: TokenSession, selector: ObjectSelector, name: string): TokenKey {
  const { binding, module, session } = token;
  const handle = findOne(token, binding.CKO_PRIVATE_KEY, selector, `private key ${name}`);
  const [id, label, keyType] = call(
    () => module.C_GetAttributeValue(session, handle, [{ type: binding.CKA_ID }, { type: binding.CKA_LABEL }, { type: binding.CKA_KEY_TYPE }]),
    "read the attributes of",
    `the private key ${name}`,
  ).map((attribute) => attribute.value);
  let alwaysAuthenticate = false;
  try {
    const [value] = module.C_GetAttributeValue(session, handle, [{ type: binding.CKA_ALWAYS_AUTHENTICATE }]);
    alwaysAuthenticate = toNumber(value?.value) === 1;
  } catch {
    // A token without the attribute (PKCS#11 < 2.20) never asks again.
  }
  const type = toNumber(keyType);
  return {
    handle,
    id: Buffer.isBuffer(id) ? id : Buffer.alloc(0),
    label: Buffer.isBuffer(label) ? label.toString("utf8") : "",
    keyType: type === binding.CKK_RSA ? "rsa" : type === binding.CKK_EC ? "ec" : "other",
    alwaysAuthenticate,
  };
}

/**
 * The one X.509 certificate the selector names, parsed.
 * @throws Pkcs11Error `ROLES_ANYWHERE_PKCS11_OBJECT_NOT_FOUND` or `ROLES_ANYWHERE_PKCS11_AMBIGUOUS`
 * @throws CertificateMaterialError `ROLES_ANYWHERE_INVALID_CERTIFICATE` when its CKA_VALUE is not a certificate
 */
export function findCertificate(token: TokenSession, selector: ObjectSelector, name: string): X509Certificate {
  const { binding, module, session } = token;
  const handle = findOne(token, binding.CKO_CERTIFICATE, selector, `certificate ${name}`);
  const [value] = call(
    () => module.C_GetAttributeValue(session, handle, [{ type: binding.CKA_VALUE }]),
    "read",
    `the certificate ${name}`,
  );
  try {
    return new X509Certificate(value?.value as Buffer);
  } catch (error) {
    throw new CertificateMaterialError(
      "ROLES_ANYWHERE_INVALID_CERTIFICATE",
      `The certificate object ${name} in the token "${token.tokenLabel}" is not a DER X.509 certificate. Import the ` +
        "certificate again (e.g. pkcs11-tool --write-object cert.der --type cert --id ID).",
      { cause: error },
    );
  }
}

function findOne(token: TokenSession, objectClass: number, selector: ObjectSelector, name: string): Buffer {
  const { binding, module, session } = token;
  const template: Template = [{ type: binding.CKA_CLASS, value: objectClass }];
  if (selector.object !== undefined) template.push({ type: binding.CKA_LABEL, value: selector.object });
  if (selector.id !== undefined) template.push({ type: binding.CKA_ID, value: selector.id });
  const handles = call(
    () => {
      module.C_FindObjectsInit(session, template);
      try {
        return module.C_FindObjects(session, MAX_MATCHES);
      } finally {
        module.C_FindObjectsFinal(session);
      }
    },
    "search",
    `the token "${token.tokenLabel}" for the ${name}`,
  );
  const [handle] = handles;
  if (handle !== undefined && handles.length === 1) return handle;
  if (handles.length === 0) {
    throw new Pkcs11Error(
      "ROLES_ANYWHERE_PKCS11_OBJECT_NOT_FOUND",
      `The token "${token.tokenLabel}" holds no ${name}. Check object= (the label) and id= (list the token's objects ` +
        "with `pkcs11-tool --module MODULE --list-objects --login`); private keys are only visible after login.",
    );
  }
  throw new Pkcs11Error(
    "ROLES_ANYWHERE_PKCS11_AMBIGUOUS",
    `${handles.length} objects in the token "${token.tokenLabel}" match the ${name}. Add id= or object= so that the URI ` +
      "names one.",
  );
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (Buffer.isBuffer(value) && value.length > 0) return value.length >= 4 ? value.readUInt32LE(0) : value.readUInt8(0);
  return undefined;
}
