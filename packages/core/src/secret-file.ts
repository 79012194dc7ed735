import { readFile } from "node:fs/promises";
import { registerSecret } from "./secret-registry.js";

/**
 * Reads a file that holds one secret (a passphrase, a token): its content without the one line ending an editor or
 * `echo` adds, registered with the redaction rule before anyone can print it. Errors are Node's, for the caller to
 * wrap in its own typed error.
 */
export async function readSecretFile(path: string): Promise<string> {
  const secret = (await readFile(path, "utf8")).replace(/\r?\n$/, "");
  registerSecret(secret);
  return secret;
}
