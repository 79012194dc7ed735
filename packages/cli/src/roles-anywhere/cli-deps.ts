import type { AwsCredentialIdentityProvider, Logger } from "@aws-sdk/types";
import type { RefreshOptions } from "@workload-identity/refresh";
import type { SigningConfig } from "./args.js";
import type { CertificateDates } from "./certificate-expiry.js";

/** What the CLI asks of the library: a provider for a configuration. */
export interface ProviderRequest {
  readonly signing: SigningConfig;
  /** Read from `--private-key-passphrase-file`. */
  readonly passphrase: string | undefined;
  /** Read from `--pkcs11-pin-file`, else `AWS_ROLES_ANYWHERE_PKCS11_PIN`. */
  readonly pkcs11Pin: string | undefined;
  /** Refresh options for `withRefresh`: the CLI's event logger. */
  readonly refresh: RefreshOptions;
  readonly logger: Logger;
}

/** Everything the CLI touches outside itself, injectable for tests. */
export interface CliDeps {
  /** Builds an already-refreshing provider (`fromRolesAnywhere`); may load it first. */
  readonly createProvider: (
    request: ProviderRequest,
  ) => AwsCredentialIdentityProvider | Promise<AwsCredentialIdentityProvider>;
  /** Reads the certificate file and returns its dates (`inspectCertificate`). */
  readonly inspectCertificate: (certificate: string) => Promise<CertificateDates>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly homedir: string;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** Resolves with the signal's name when `serve` must stop (SIGTERM, SIGINT). */
  readonly waitForShutdown: () => Promise<string>;
  /** How often `serve` asks the provider, so it refreshes before its credentials are needed. @defaultValue 30000 */
  readonly refreshIntervalMs?: number;
  readonly version: string;
}

/** Exit codes. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
