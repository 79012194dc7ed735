import * as crypto from "node:crypto";
import { createHash, type KeyObject, type X509Certificate } from "node:crypto";
import { type SigningAlgorithm, serialNumberDecimal } from "./material.js";
import { algorithmOf, type CreateSessionSigner, signWithKeyObject } from "./signer.js";

// The "IAM Roles Anywhere signing process": SigV4's canonical request and string to sign, signed with the
// certificate's private key instead of an HMAC chain; the credential is the certificate's serial number in decimal.

/** What {@link signCreateSessionRequest} signs. */
export interface SignCreateSessionRequestInput {
  /** The end-entity certificate, sent in `X-Amz-X509`. */
  readonly certificate: X509Certificate;
  /** Its private key: RSA, or EC on P-256/P-384. */
  readonly privateKey: KeyObject;
  /** Intermediates, sent comma-separated in `X-Amz-X509-Chain` when not empty. */
  readonly chain?: readonly X509Certificate[];
  /** The exact JSON body that will be sent. */
  readonly body: string;
  /** The region of the credential scope. */
  readonly region: string;
  /** The `Host` header: the endpoint's host, with the port when not the scheme's default. */
  readonly host: string;
  /** The signing time (`X-Amz-Date`, and the scope's date). */
  readonly date: Date;
  /**
   * The request path.
   * @defaultValue "/sessions"
   */
  readonly path?: string;
  /**
   * Also send and sign `X-Amz-Content-Sha256`, as SDK-based signers do (botocore's, Envoy's). AWS's signing helper
   * does not; the service accepts both.
   * @defaultValue false
   */
  readonly signContentSha256Header?: boolean;
}

/** A signed CreateSession request: the headers to send, and the intermediate strings (for tests and debugging). */
export interface SignedCreateSessionRequest {
  /** Every header to send, `Authorization` included, in the casing AWS's helper uses. */
  readonly headers: Readonly<Record<string, string>>;
  readonly algorithm: SigningAlgorithm;
  /** `content-type;host;x-amz-date;x-amz-x509[;x-amz-x509-chain]` */
  readonly signedHeaders: string;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  /** The signature, lower-case hex. */
  readonly signature: string;
}

const SERVICE = "rolesanywhere";
const CONTENT_TYPE = "application/json";

interface CertificateHeaderValues {
  readonly base64: string;
  readonly serial: string;
}
// X509Certificate.raw copies the DER on every access; a certificate object is immutable, so encode it once.
const encoded = new WeakMap<X509Certificate, CertificateHeaderValues>();

function headerValuesOf(certificate: X509Certificate): CertificateHeaderValues {
  let values = encoded.get(certificate);
  if (values === undefined) {
    values = { base64: certificate.raw.toString("base64"), serial: serialNumberDecimal(certificate) };
    encoded.set(certificate, values);
  }
  return values;
}

/**
 * Signs a CreateSession request the way AWS's rolesanywhere-credential-helper does: signed headers `content-type`,
 * `host`, `x-amz-date`, `x-amz-x509` and, with intermediates, `x-amz-x509-chain`; the payload hash is SHA-256 of the
 * body; `AWS4-X509-RSA-SHA256` (RSA PKCS#1 v1.5 over SHA-256) or `AWS4-X509-ECDSA-SHA256` (ECDSA over SHA-256, DER
 * signature — SHA-256 for P-384 keys too).
 * @throws CertificateMaterialError `ROLES_ANYWHERE_UNSUPPORTED_KEY` for a key that is neither RSA nor EC P-256/P-384
 */
export function signCreateSessionRequest(input: SignCreateSessionRequestInput): SignedCreateSessionRequest {
  const prepared = prepareRequest(input, algorithmOf(input.privateKey));
  return finishRequest(prepared, signWithKeyObject(input.privateKey, Buffer.from(prepared.stringToSign, "utf8")));
}

/** The same request, signed by a {@link CreateSessionSigner} (a key in this process or in a PKCS#11 token). */
export async function signCreateSessionRequestWith(
  input: Omit<SignCreateSessionRequestInput, "privateKey">,
  signer: CreateSessionSigner,
): Promise<SignedCreateSessionRequest> {
  const prepared = prepareRequest(input, signer.algorithm);
  return finishRequest(prepared, await signer.sign(Buffer.from(prepared.stringToSign, "utf8")));
}

interface PreparedRequest {
  readonly algorithm: SigningAlgorithm;
  readonly headers: Record<string, string>;
  readonly credential: string;
  readonly signedHeaders: string;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
}

function prepareRequest(input: Omit<SignCreateSessionRequestInput, "privateKey">, algorithm: SigningAlgorithm): PreparedRequest {
  const leaf = headerValuesOf(input.certificate);
  const amzDate = formatAmzDate(input.date);
  const scope = `${amzDate.slice(0, 8)}/${input.region}/${SERVICE}/aws4_request`;
  const payloadHash = sha256Hex(input.body);
  const chain = input.chain !== undefined && input.chain.length > 0
    ? input.chain.map((certificate) => headerValuesOf(certificate).base64).join(",")
    : undefined;
  const withContentSha256 = input.signContentSha256Header === true;

  // Headers in canonical (sorted, lower-case) order; the values carry no spaces to trim.
  let canonicalHeaders = `content-type:${CONTENT_TYPE}\nhost:${input.host}\n`;
  let signedHeaders = "content-type;host";
  if (withContentSha256) {
    canonicalHeaders += `x-amz-content-sha256:${payloadHash}\n`;
    signedHeaders += ";x-amz-content-sha256";
  }
  canonicalHeaders += `x-amz-date:${amzDate}\nx-amz-x509:${leaf.base64}\n`;
  signedHeaders += ";x-amz-date;x-amz-x509";
  if (chain !== undefined) {
    canonicalHeaders += `x-amz-x509-chain:${chain}\n`;
    signedHeaders += ";x-amz-x509-chain";
  }
  const canonicalRequest = `POST\n${input.path ?? "/sessions"}\n\n${canonicalHeaders}\n${signedHeaders}\n${payloadHash}`;
  const stringToSign = `${algorithm}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;

  const headers: Record<string, string> = {
    "Content-Type": CONTENT_TYPE,
    Host: input.host,
    "X-Amz-Date": amzDate,
    "X-Amz-X509": leaf.base64,
  };
  if (chain !== undefined) headers["X-Amz-X509-Chain"] = chain;
  if (withContentSha256) headers["X-Amz-Content-Sha256"] = payloadHash;
  return { algorithm, headers, credential: `${leaf.serial}/${scope}`, signedHeaders, canonicalRequest, stringToSign };
}

function finishRequest(prepared: PreparedRequest, signatureBytes: Buffer): SignedCreateSessionRequest {
  const { algorithm, signedHeaders, canonicalRequest, stringToSign } = prepared;
  const signature = signatureBytes.toString("hex");
  const headers = {
    ...prepared.headers,
    Authorization: `${algorithm} Credential=${prepared.credential}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
  return { headers, algorithm, signedHeaders, canonicalRequest, stringToSign, signature };
}

/** `20180102T030405Z`: ISO 8601 basic format, UTC, whole seconds. */
export function formatAmzDate(date: Date): string {
  const iso = date.toISOString(); // 2018-01-02T03:04:05.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

// crypto.hash (Node ≥ 20.12) is the one-shot digest, a third cheaper than createHash for these small inputs.
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: "hex") => string }).hash;

function sha256Hex(text: string): string {
  return oneShotHash !== undefined ? oneShotHash("sha256", text, "hex") : createHash("sha256").update(text, "utf8").digest("hex");
}
