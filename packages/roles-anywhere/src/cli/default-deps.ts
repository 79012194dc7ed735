import { homedir } from "node:os";
import { fromRolesAnywhere, inspectCertificate } from "../index.js";
import type { CliDeps, ProviderRequest } from "./run.js";

/** The version printed by `roles-anywhere --version`: keep in step with package.json. */
const VERSION = "0.1.0";

/** Builds the library provider for the CLI's flags. */
export function createRolesAnywhereProvider(request: ProviderRequest): ReturnType<typeof fromRolesAnywhere> {
  const { signing } = request;
  return fromRolesAnywhere({
    certificate: signing.certificate,
    privateKey: signing.privateKey,
    ...(signing.intermediates === undefined ? {} : { certificateChain: signing.intermediates }),
    ...(request.passphrase === undefined ? {} : { passphrase: request.passphrase }),
    trustAnchorArn: signing.trustAnchorArn,
    profileArn: signing.profileArn,
    roleArn: signing.roleArn,
    ...(signing.region === undefined ? {} : { region: signing.region }),
    durationSeconds: signing.sessionDurationSeconds,
    ...(signing.roleSessionName === undefined ? {} : { roleSessionName: signing.roleSessionName }),
    ...(signing.endpoint === undefined ? {} : { endpoint: signing.endpoint }),
    refresh: request.refresh,
    logger: request.logger,
  });
}

/** The real process: stdio, environment, clock and signals. */
export function processDeps(shutdown: Promise<string>): CliDeps {
  return {
    createProvider: createRolesAnywhereProvider,
    inspectCertificate: (certificate) => inspectCertificate({ certificate }),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    homedir: homedir(),
    now: Date.now,
    waitForShutdown: () => shutdown,
    version: VERSION,
  };
}
