import type { X509Certificate } from "node:crypto";
import { fileURLToPath } from "node:url";
import { readSecretFile } from "@workload-identity/core";
import { CertificateMaterialError } from "./errors.js";
import { checkChainSize, checkValidity, parseCertificates, readInput } from "./material.js";
import type { ResolvedRolesAnywhereOptions } from "./options.js";
import { findCertificate, findPrivateKey, type ObjectSelector, type TokenKey } from "./pkcs11-objects.js";
import { tokenKeySigner } from "./pkcs11-sign.js";
import { DEFAULT_PKCS11_MODULE, withTokenSession } from "./pkcs11-token.js";
import { formatPkcs11Uri, isPkcs11Uri, type Pkcs11Uri, parsePkcs11Uri } from "./pkcs11-uri.js";
import type { SigningMaterial } from "./signing-material.js";

// A key in a token: each refresh visits the token once, finds the key (and the certificate, unless it is a file),
// and signs there. The key never leaves the token; the PIN is read at each refresh, as files are.

/** Runs `use` with the token's key as the signer, inside one session on the token. */
export async function usePkcs11Material<T>(
  options: ResolvedRolesAnywhereOptions,
  now: Date,
  use: (material: SigningMaterial) => Promise<T>,
): Promise<T> {
  const keyUri = parsePkcs11Uri(options.privateKey as string, "privateKey");
  const certificateUri = isPkcs11Uri(options.certificate) ? parsePkcs11Uri(options.certificate as string, "certificate") : undefined;
  const [fileCertificate, chain, pin] = await Promise.all([
    options.certificate === undefined || certificateUri !== undefined ? undefined : readFileCertificate(options.certificate),
    readChain(options),
    readPin(keyUri, certificateUri, options.pkcs11.pin),
  ]);
  const keyName = formatPkcs11Uri(keyUri);
  const visit = {
    modulePath: keyUri.modulePath ?? certificateUri?.modulePath ?? options.pkcs11.modulePath ?? DEFAULT_PKCS11_MODULE,
    uri: keyUri,
    pin,
    timeoutMs: options.timeoutMs,
  };
  return withTokenSession(visit, async (token) => {
    const key = findPrivateKey(token, keyUri, keyName);
    const certificate =
      fileCertificate?.certificate ??
      findCertificate(token, certificateSelector(certificateUri, key), formatPkcs11Uri(certificateUri ?? keyUri));
    checkValidity(certificate, fileCertificate?.name ?? `the token "${token.tokenLabel}"`, now);
    const signer = tokenKeySigner(token, key, certificate, { keyName, reusePin: options.pkcs11.reusePin === true });
    // As for files: certificateChain, else the certificate file's extra certificates.
    return use({ certificate, chain: chain ?? fileCertificate?.chain ?? [], signer });
  });
}

/** The certificate URI's label and id, else the key's CKA_ID (else its label), as AWS's helper pairs them. */
function certificateSelector(certificateUri: Pkcs11Uri | undefined, key: TokenKey): ObjectSelector {
  if (certificateUri !== undefined) return certificateUri;
  return key.id.length > 0 ? { object: undefined, id: key.id } : { object: key.label, id: undefined };
}

async function readFileCertificate(
  input: NonNullable<ResolvedRolesAnywhereOptions["certificate"]>,
): Promise<{ certificate: X509Certificate; chain: X509Certificate[]; name: string }> {
  const read = await readInput(input, "certificate");
  const [certificate, ...chain] = parseCertificates(read, "ROLES_ANYWHERE_INVALID_CERTIFICATE");
  if (certificate === undefined) throw new Error("unreachable: parseCertificates returns at least one certificate");
  checkChainSize(chain, read.name);
  return { certificate, chain, name: read.name };
}

async function readChain(options: ResolvedRolesAnywhereOptions): Promise<X509Certificate[] | undefined> {
  if (options.certificateChain === undefined) return undefined;
  const read = await readInput(options.certificateChain, "certificate chain");
  const chain = parseCertificates(read, "ROLES_ANYWHERE_INVALID_CERTIFICATE_CHAIN");
  checkChainSize(chain, read.name);
  return chain;
}

/** The URI's pin-value, else its pin-source file (a path or `file:` URI), else the option. */
async function readPin(
  keyUri: Pkcs11Uri,
  certificateUri: Pkcs11Uri | undefined,
  option: string | undefined,
): Promise<string | undefined> {
  const uri = [keyUri, certificateUri].find((candidate) => candidate?.pinValue !== undefined || candidate?.pinSource !== undefined);
  if (uri?.pinValue !== undefined) return uri.pinValue;
  if (uri?.pinSource === undefined) return option;
  const path = uri.pinSource.startsWith("file:") ? fileURLToPath(uri.pinSource) : uri.pinSource;
  try {
    return await readSecretFile(path);
  } catch (error) {
    throw new CertificateMaterialError(
      "ROLES_ANYWHERE_FILE_UNREADABLE",
      `Cannot read the PIN file ${path} (pin-source of the PKCS#11 URI: ${(error as NodeJS.ErrnoException).code ?? "read error"}). ` +
        "Check the path and that this process may read it.",
      { cause: error },
    );
  }
}
