import { fromRolesAnywhere } from "@workload-identity/roles-anywhere";
import type { ProviderRequest } from "./cli-deps.js";

/** Builds the library provider for the CLI's flags. Loaded only when credentials must be fetched. */
export function createRolesAnywhereProvider(request: ProviderRequest): ReturnType<typeof fromRolesAnywhere> {
  const { signing } = request;
  return fromRolesAnywhere({
    ...(signing.certificate === undefined ? {} : { certificate: signing.certificate }),
    ...(signing.privateKey === undefined ? {} : { privateKey: signing.privateKey }),
    pkcs11: {
      ...(signing.pkcs11.lib === undefined ? {} : { modulePath: signing.pkcs11.lib }),
      ...(request.pkcs11Pin === undefined ? {} : { pin: request.pkcs11Pin }),
      reusePin: signing.pkcs11.reusePin,
    },
    ...(signing.intermediates === undefined ? {} : { certificateChain: signing.intermediates }),
    ...(request.passphrase === undefined ? {} : { passphrase: request.passphrase }),
    trustAnchorArn: signing.trustAnchorArn,
    profileArn: signing.profileArn,
    roleArn: signing.roleArn,
    ...(signing.region === undefined ? {} : { region: signing.region }),
    ...(signing.sessionDurationSeconds === undefined ? {} : { durationSeconds: signing.sessionDurationSeconds }),
    ...(signing.roleSessionName === undefined ? {} : { roleSessionName: signing.roleSessionName }),
    ...(signing.endpoint === undefined ? {} : { endpoint: signing.endpoint }),
    ...(signing.timeoutMs === undefined ? {} : { timeoutMs: signing.timeoutMs }),
    ...(signing.withProxy === true ? { proxy: "env" } : {}),
    refresh: request.refresh,
    logger: request.logger,
  });
}
