import { fromRolesAnywhere } from "@workload-identity/roles-anywhere";
import type { ProviderRequest } from "./cli-deps.js";

/** Builds the library provider for the CLI's flags. Loaded only when credentials must be fetched. */
export function createRolesAnywhereProvider(request: ProviderRequest): ReturnType<typeof fromRolesAnywhere> {
  const { signing } = request;
  return fromRolesAnywhere({
    certificate: signing.certificate,
    ...(signing.privateKey === undefined ? {} : { privateKey: signing.privateKey }),
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
