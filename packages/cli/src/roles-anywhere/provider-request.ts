import { readSecretFile } from "@workload-identity/core";
import type { RefreshOptions } from "@workload-identity/refresh";
import type { SigningConfig } from "./args.js";
import { CliUsageError } from "./errors.js";
import { type JsonLogger, type SdkLevel, toSdkLogger } from "./log.js";
import type { ProviderRequest } from "./cli-deps.js";

/** Reads the passphrase file and assembles what the library needs. The passphrase is registered as a secret. */
export async function providerRequest(
  signing: SigningConfig,
  log: JsonLogger,
  refresh: RefreshOptions = {},
  logLevels: { keep?: readonly SdkLevel[] } = {},
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
  return { signing, passphrase, refresh, logger: toSdkLogger(log, logLevels) };
}
