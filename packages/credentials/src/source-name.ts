/** The credential sources, in selection order. */
export type CredentialSourceName = "explicit" | "web-identity" | "pod-identity" | "roles-anywhere" | "sdk-chain";
