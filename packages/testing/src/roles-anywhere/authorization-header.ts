import { denied } from "./service-error.js";

/** The SigV4-X509 `Authorization` header, taken apart. */
export interface X509Authorization {
  /** `AWS4-X509-RSA-SHA256` or `AWS4-X509-ECDSA-SHA256` */
  readonly algorithm: string;
  /** `SERIAL/DATE/REGION/rolesanywhere/aws4_request` */
  readonly credential: string;
  /** The certificate's serial number in decimal. */
  readonly serial: string;
  readonly scopeDate: string;
  readonly scopeRegion: string;
  /** Whether the scope is `SERIAL/DATE/REGION/rolesanywhere/aws4_request`. */
  readonly wellScoped: boolean;
  readonly signedHeaders: string;
  readonly headerNames: readonly string[];
  readonly signatureHex: string;
}

const AUTHORIZATION =
  /^(AWS4-X509-(?:RSA|ECDSA)-SHA256) Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]+)$/;

/** Takes the header apart; throws AccessDeniedException when it is not SigV4-X509's shape. */
export function parseAuthorization(header: string | undefined): X509Authorization {
  const match = AUTHORIZATION.exec(header ?? "");
  if (match === null) throw denied("Missing or malformed Authorization header.");
  const [, algorithm = "", credential = "", signedHeaders = "", signatureHex = ""] = match;
  const [serial = "", scopeDate = "", scopeRegion = "", service, terminator, ...extra] = credential.split("/");
  const wellScoped = service === "rolesanywhere" && terminator === "aws4_request" && extra.length === 0 && scopeRegion !== "";
  const headerNames = signedHeaders.split(";");
  return { algorithm, credential, serial, scopeDate, scopeRegion, wellScoped, signedHeaders, headerNames, signatureHex };
}

/** The credential scope names the service and region, and the signed headers include the required ones, sorted. */
export function checkScope(authorization: X509Authorization): void {
  const { credential, headerNames, signedHeaders } = authorization;
  if (!authorization.wellScoped) {
    throw denied(`Credential scope must be SERIAL/DATE/REGION/rolesanywhere/aws4_request; got ${credential}.`);
  }
  for (const required of ["host", "x-amz-date", "x-amz-x509"]) {
    if (!headerNames.includes(required)) throw denied(`SignedHeaders must include ${required}.`);
  }
  if ([...headerNames].sort().join(";") !== signedHeaders) throw denied("SignedHeaders must be sorted.");
}
