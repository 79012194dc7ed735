export {
  CertificateMaterialError,
  Pkcs11Error,
  type Pkcs11ErrorCode,
  type RolesAnywhereErrorCode,
  RolesAnywhereOptionError,
  RolesAnywhereRequestError,
  RolesAnywhereServiceError,
} from "./errors.js";
export { isPkcs11Uri, printablePkcs11Uri } from "./pkcs11-uri.js";
export { CERTIFICATE_EXPIRY_WARNING_MS, fromRolesAnywhere, rolesAnywhereSourceTimeoutMs } from "./from-roles-anywhere.js";
export { createRolesAnywhereSource, type RolesAnywhereSourceInit } from "./roles-anywhere-source.js";
export {
  type PartitionFacts,
  partitionOf,
  type ResolvedRolesAnywhereEndpoint,
  type RolesAnywhereEndpointSettings,
  resolveRolesAnywhereEndpoint,
} from "./endpoint.js";
export { type CertificateSummary, inspectCertificate } from "./inspect-certificate.js";
export {
  type CredentialMaterial,
  type CredentialMaterialSource,
  loadCredentialMaterial,
  type SigningAlgorithm,
} from "./material.js";
export {
  DEFAULT_DURATION_SECONDS,
  ENV_ENDPOINT_URL,
  type FromRolesAnywhereInit,
  MAX_DURATION_SECONDS,
  type MaterialInput,
  MIN_DURATION_SECONDS,
  type ResolvedRolesAnywhereOptions,
  type RolesAnywherePkcs11Options,
  resolveSessionsUrl,
  validateRolesAnywhereOptions,
} from "./options.js";
export {
  type CreateSessionBody,
  type SessionCredentials,
  sendCreateSession,
  serializeCreateSessionBody,
} from "./create-session.js";
export {
  formatAmzDate,
  type SignCreateSessionRequestInput,
  type SignedCreateSessionRequest,
  signCreateSessionRequest,
} from "./sign.js";
