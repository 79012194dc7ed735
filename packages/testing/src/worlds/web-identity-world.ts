// An EKS pod's web identity world on loopback: the cluster's OIDC issuer, an STS that trusts it for a role, and the
// kubelet's projected token — what tests, benchmarks, the demo and the example start instead of wiring the three.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENV_REGION, ENV_ROLE_ARN, ENV_WEB_IDENTITY_TOKEN_FILE } from "@workload-identity/core";
import { type OidcIssuer, startOidcIssuer } from "../oidc/issuer.js";
import type { MintServiceAccountTokenOptions } from "../oidc/service-account-token.js";
import { createProjectedTokenDir, type ProjectedTokenDir } from "../projected-token.js";
import { startStsEmulator } from "../sts/emulator.js";
import type { StsEmulator } from "../sts/types.js";
import { closeAll, startParts } from "./close-all.js";

/** The SDK's STS endpoint override (read by the SDK, so not among core's names). */
const ENV_ENDPOINT_URL_STS = "AWS_ENDPOINT_URL_STS";

/** Options of {@link startWebIdentityWorld}. */
export interface WebIdentityWorldOptions {
  /** The clock of every part: the issuer's tokens and certificate, STS's checks and expirations. @defaultValue Date.now */
  now?: () => number;
  /** STS's own clock, for a test that makes STS disagree with the cluster (a token it sees expired). @defaultValue now */
  stsNow?: () => number;
  /** The role the pod assumes. @defaultValue "arn:aws:iam::111122223333:role/workload" */
  roleArn?: string;
  /** The pod's namespace: its tokens' `sub` is `system:serviceaccount:NAMESPACE:SERVICE_ACCOUNT`. @defaultValue "default" */
  namespace?: string;
  /** The pod's service account. @defaultValue "app" */
  serviceAccount?: string;
  /** The role's trust condition on `sub` (`*` as in `StringLike`). @defaultValue the pod's subject alone */
  allowedSubjects?: string[];
  /** @defaultValue "eu-west-1" */
  region?: string;
  /** Lifetime of the credentials STS issues. @defaultValue the request's DurationSeconds, else 3600 */
  credentialLifetimeSeconds?: number;
  /** Lifetime of the pod's tokens. @defaultValue 3600 */
  tokenLifetimeSeconds?: number;
  /**
   * Roles whose trust policy names the pod's role, so its sessions may assume them with STS AssumeRole (role
   * chaining), requiring `externalId` when one is given. @defaultValue none
   */
  chainedRoles?: { arn: string; externalId?: string }[];
}

/** The variables the EKS pod identity webhook gives a pod, plus the STS endpoint pointing at the emulator. */
export type WebIdentityEnv = Readonly<
  Record<typeof ENV_WEB_IDENTITY_TOKEN_FILE | typeof ENV_ROLE_ARN | typeof ENV_REGION | typeof ENV_ENDPOINT_URL_STS, string>
>;

/** A running web identity world. */
export interface WebIdentityWorld {
  readonly issuer: OidcIssuer;
  /** The STS emulator, trusting {@link WebIdentityWorld.issuer} for {@link WebIdentityWorld.roleArn}. */
  readonly sts: StsEmulator;
  /** The projected volume, `serviceaccount/` in {@link WebIdentityWorld.dir}; it holds a fresh token from the start. */
  readonly tokenDir: ProjectedTokenDir;
  /** A private temporary directory for a test's files (a HOME, config paths that do not exist); removed by `close`. */
  readonly dir: string;
  readonly roleArn: string;
  readonly region: string;
  /** The pod's `sub`: `system:serviceaccount:NAMESPACE:SERVICE_ACCOUNT`. */
  readonly subject: string;
  readonly env: WebIdentityEnv;
  /** Mints a token for the pod's service account (or as `claims` say) without publishing it. */
  mintToken(claims?: MintServiceAccountTokenOptions): Promise<string>;
  /** Mints a token and publishes it in the projected volume as the kubelet does; returns it. */
  writeToken(claims?: MintServiceAccountTokenOptions): Promise<string>;
  /** Stops the issuer and STS and removes {@link WebIdentityWorld.dir} with the projected volume. */
  close(): Promise<void>;
}

/** Starts an OIDC issuer, an STS emulator trusting it for one role, and a projected token dir holding a fresh token. */
export async function startWebIdentityWorld(options: WebIdentityWorldOptions = {}): Promise<WebIdentityWorld> {
  const now = options.now ?? Date.now;
  const roleArn = options.roleArn ?? "arn:aws:iam::111122223333:role/workload";
  const region = options.region ?? "eu-west-1";
  const namespace = options.namespace ?? "default";
  const serviceAccount = options.serviceAccount ?? "app";
  const subject = `system:serviceaccount:${namespace}:${serviceAccount}`;
  const { issuer, sts, tokenDir, dir } = await startParts(async (started) => {
    const issuer = await startOidcIssuer({ now });
    started(issuer.close);
    const sts = await startStsEmulator({
      roles: [{ arn: roleArn, issuer: issuer.issuer, allowedSubjects: options.allowedSubjects ?? [subject] }],
      chainedRoles: (options.chainedRoles ?? []).map((role) => ({ ...role, trustedRoleArns: [roleArn] })),
      now: options.stsNow ?? now,
      ...(options.credentialLifetimeSeconds === undefined ? {} : { credentialLifetimeSeconds: options.credentialLifetimeSeconds }),
    });
    started(sts.close);
    const dir = await mkdtemp(join(tmpdir(), "web-identity-world-"));
    started(() => rm(dir, { recursive: true, force: true }));
    const tokenDir = await createProjectedTokenDir({ now, dir: join(dir, "serviceaccount") });
    return { issuer, sts, tokenDir, dir };
  });
  const mintToken = (claims: MintServiceAccountTokenOptions = {}) =>
    issuer.mintServiceAccountToken({ namespace, serviceAccount, lifetimeSeconds: options.tokenLifetimeSeconds ?? 3600, ...claims });
  const writeToken = async (claims?: MintServiceAccountTokenOptions) => {
    const token = await mintToken(claims);
    await tokenDir.write(token);
    return token;
  };
  const close = () => closeAll([sts.close, issuer.close, () => rm(dir, { recursive: true, force: true })]);
  await writeToken().catch(async (error: unknown) => {
    await close().catch(() => undefined);
    throw error;
  });
  return {
    issuer,
    sts,
    tokenDir,
    dir,
    roleArn,
    region,
    subject,
    env: {
      [ENV_WEB_IDENTITY_TOKEN_FILE]: tokenDir.tokenFile,
      [ENV_ROLE_ARN]: roleArn,
      [ENV_REGION]: region,
      [ENV_ENDPOINT_URL_STS]: sts.endpoint,
    },
    mintToken,
    writeToken,
    close,
  };
}
