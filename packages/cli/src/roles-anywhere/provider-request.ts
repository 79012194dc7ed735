import { ENV_RA_PKCS11_PIN, readEnv, readSecretFile } from "@workload-identity/core";
import type { RefreshOptions } from "@workload-identity/refresh";
import type { SigningConfig } from "./args.js";
import { CliUsageError } from "./errors.js";
import { type JsonLogger, type SdkLevel, toSdkLogger } from "./log.js";
import type { ProviderRequest } from "./cli-deps.js";

/**
 * Reads the passphrase and PIN files (the PIN else from `AWS_ROLES_ANYWHERE_PKCS11_PIN`: never a flag's value, which
 * `ps` shows) and assembles what the library needs. Both are registered as secrets.
 */
export async function providerRequest(
  signing: SigningConfig,
  log: JsonLogger,
  refresh: RefreshOptions = {},
  logLevels: { keep?: readonly SdkLevel[] } = {},
  env: NodeJS.ProcessEnv = {},
): Promise<ProviderRequest> {
  let passphrase: string | undefined;
  if (signing.passphraseFile !== undefined) {
    try {
      // The one rule for a secret's file: one trailing line ending dropped, the secret registered for redaction.
      passphrase = await readSecretFile(signing.passphraseFile);
    } catch (error) {
      throw new CliUsageError(`Cannot read --private-key-passphrase-file ${signing.passphraseFile}.`, { cause: error });
    }
  }
  const pkcs11Pin = await readPin(signing, env);
  log.addSecret(pkcs11Pin);
  return { signing, passphrase, pkcs11Pin, refresh, logger: toSdkLogger(log, logLevels) };
}

async function readPin(signing: SigningConfig, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (signing.pkcs11.pinFile === undefined) return readEnv(ENV_RA_PKCS11_PIN, env);
  try {
    return await readSecretFile(signing.pkcs11.pinFile);
  } catch (error) {
    throw new CliUsageError(`Cannot read --pkcs11-pin-file ${signing.pkcs11.pinFile}.`, { cause: error });
  }
}
