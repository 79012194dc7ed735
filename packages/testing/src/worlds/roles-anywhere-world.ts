// A server on premises with IAM Roles Anywhere, on loopback: a private CA registered as a trust anchor, the Roles
// Anywhere emulator trusting it, and the workload's certificate, key and chain as files (as a `kubernetes.io/tls`
// Secret would mount them) — what tests, benchmarks, the demo and the example start instead of wiring them.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ENV_RA_CERTIFICATE,
  ENV_RA_CERTIFICATE_CHAIN,
  ENV_RA_ENDPOINT,
  ENV_RA_PRIVATE_KEY,
  ENV_RA_PROFILE_ARN,
  ENV_RA_ROLE_ARN,
  ENV_RA_TRUST_ANCHOR_ARN,
  ENV_REGION,
} from "@workload-identity/core";
import { createTestPki, type IssueLeafOptions, type TestKeyType, type TestLeaf, type TestPki } from "../pki.js";
import { startRolesAnywhereEmulator } from "../roles-anywhere/emulator.js";
import type { RolesAnywhereEmulator } from "../roles-anywhere/types.js";
import { closeAll, startParts } from "./close-all.js";

/** Options of {@link startRolesAnywhereWorld}. */
export interface RolesAnywhereWorldOptions {
  /** The clock of every part: the PKI's validity dates, the emulator's signature and chain checks. @defaultValue Date.now */
  now?: () => number;
  /** Key type of the CAs and, unless `leaf` says otherwise, of the workload's certificate. @defaultValue "p256" */
  keyType?: TestKeyType;
  /** The trust anchor's region, the one requests are signed for. @defaultValue "eu-west-1" */
  region?: string;
  /** @defaultValue "111122223333" */
  account?: string;
  /** @defaultValue "arn:aws:rolesanywhere:REGION:ACCOUNT:trust-anchor/test-trust-anchor" */
  trustAnchorArn?: string;
  /** @defaultValue "arn:aws:rolesanywhere:REGION:ACCOUNT:profile/test-profile" */
  profileArn?: string;
  /** The role the workload asks for. @defaultValue "arn:aws:iam::ACCOUNT:role/workload" */
  roleArn?: string;
  /** Every role the profile allows. @defaultValue [roleArn] */
  profileRoleArns?: string[];
  /** The workload's certificate. @defaultValue the PKI's defaults (CN=workload.test, by the intermediate, 30 days) */
  leaf?: IssueLeafOptions;
  /** Lifetime of issued credentials. @defaultValue the request's durationSeconds, else 3600 */
  credentialLifetimeSeconds?: number;
  /** @defaultValue 300000 (5 minutes, as the service) */
  maxClockSkewMs?: number;
}

/** A leaf and the files it was written to (mode 0600). */
export interface TestLeafFiles {
  readonly leaf: TestLeaf;
  /** The certificate's PEM. */
  readonly certificate: string;
  /** The private key's PKCS#8 PEM. */
  readonly privateKey: string;
  /** The intermediate's PEM (empty for a root-signed leaf). */
  readonly certificateChain: string;
}

/** The variables that configure Roles Anywhere for the workload, plus the endpoint pointing at the emulator. */
export type RolesAnywhereEnv = Readonly<
  Record<
    | typeof ENV_RA_CERTIFICATE
    | typeof ENV_RA_PRIVATE_KEY
    | typeof ENV_RA_CERTIFICATE_CHAIN
    | typeof ENV_RA_TRUST_ANCHOR_ARN
    | typeof ENV_RA_PROFILE_ARN
    | typeof ENV_RA_ROLE_ARN
    | typeof ENV_REGION
    | typeof ENV_RA_ENDPOINT,
    string
  >
>;

/**
 * The workload's options for `fromRolesAnywhere` (and `createRolesAnywhereSource`): its files, the three ARNs and
 * the emulator's endpoint. No region: it follows the trust anchor's ARN, as it does for a user.
 */
export interface RolesAnywhereInit {
  readonly certificate: string;
  readonly privateKey: string;
  readonly certificateChain: string;
  readonly trustAnchorArn: string;
  readonly profileArn: string;
  readonly roleArn: string;
  readonly endpoint: string;
}

/** A running Roles Anywhere world. */
export interface RolesAnywhereWorld {
  readonly pki: TestPki;
  /** The emulator, trusting {@link RolesAnywhereWorld.pki}'s root for the trust anchor. */
  readonly emulator: RolesAnywhereEmulator;
  /** The workload's certificate and key. */
  readonly leaf: TestLeaf;
  /** Where they are: `tls.crt`, `tls.key` and `ca.crt` in {@link RolesAnywhereWorld.dir}. */
  readonly files: TestLeafFiles;
  /** A private temporary directory for files; removed by `close`. */
  readonly dir: string;
  readonly trustAnchorArn: string;
  readonly profileArn: string;
  readonly roleArn: string;
  readonly region: string;
  readonly env: RolesAnywhereEnv;
  /** The same configuration as options of `fromRolesAnywhere`; spread it and override what a test varies. */
  readonly init: RolesAnywhereInit;
  /** Issues another leaf from the PKI and writes its files beside the first ones. */
  leafFiles(options?: IssueLeafOptions): Promise<TestLeafFiles>;
  /** Writes a file (mode 0600) in {@link RolesAnywhereWorld.dir}; returns its path. */
  write(name: string, content: string | Uint8Array): Promise<string>;
  /** Stops the emulator and removes the directory. */
  close(): Promise<void>;
}

/** The world's names: ARNs from the options, else defaults in the options' region and account. */
function names(options: RolesAnywhereWorldOptions) {
  const region = options.region ?? "eu-west-1";
  const account = options.account ?? "111122223333";
  const roleArn = options.roleArn ?? `arn:aws:iam::${account}:role/workload`;
  return {
    region,
    trustAnchorArn: options.trustAnchorArn ?? `arn:aws:rolesanywhere:${region}:${account}:trust-anchor/test-trust-anchor`,
    profileArn: options.profileArn ?? `arn:aws:rolesanywhere:${region}:${account}:profile/test-profile`,
    roleArn,
    profileRoleArns: options.profileRoleArns ?? [roleArn],
  };
}

/** Creates a test PKI, starts an emulator trusting its root, and writes a leaf's certificate, key and chain to files. */
export async function startRolesAnywhereWorld(options: RolesAnywhereWorldOptions = {}): Promise<RolesAnywhereWorld> {
  const now = options.now ?? Date.now;
  const { region, trustAnchorArn, profileArn, roleArn, profileRoleArns } = names(options);
  const pki = await createTestPki({ keyType: options.keyType ?? "p256", now });
  const { emulator, dir } = await startParts(async (started) => {
    const emulator = await startRolesAnywhereEmulator({
      trustAnchors: [{ arn: trustAnchorArn, caCertificatePem: pki.rootCertificatePem }],
      profiles: [{ arn: profileArn, roleArns: profileRoleArns }],
      now,
      ...(options.credentialLifetimeSeconds === undefined ? {} : { credentialLifetimeSeconds: options.credentialLifetimeSeconds }),
      ...(options.maxClockSkewMs === undefined ? {} : { maxClockSkewMs: options.maxClockSkewMs }),
    });
    started(emulator.close);
    return { emulator, dir: await mkdtemp(join(tmpdir(), "roles-anywhere-world-")) };
  });
  const close = () => closeAll([emulator.close, () => rm(dir, { recursive: true, force: true })]);
  const { write, leafFiles } = leafWriter(pki, dir);
  const files = await leafFiles(options.leaf).catch(async (error: unknown) => {
    await close().catch(() => undefined);
    throw error;
  });
  const init = { ...pick(files), trustAnchorArn, profileArn, roleArn, endpoint: emulator.endpoint };
  const env = envOf(init, region);
  return { pki, emulator, leaf: files.leaf, files, dir, trustAnchorArn, profileArn, roleArn, region, env, init, leafFiles, write, close };
}

/** The three paths of a leaf's files, without the leaf. */
const pick = ({ certificate, privateKey, certificateChain }: TestLeafFiles) => ({ certificate, privateKey, certificateChain });

/** The variables that say the same as `init`, as a pod's Secret and ConfigMap would. */
function envOf(init: RolesAnywhereInit, region: string): RolesAnywhereEnv {
  return {
    [ENV_RA_CERTIFICATE]: init.certificate,
    [ENV_RA_PRIVATE_KEY]: init.privateKey,
    [ENV_RA_CERTIFICATE_CHAIN]: init.certificateChain,
    [ENV_RA_TRUST_ANCHOR_ARN]: init.trustAnchorArn,
    [ENV_RA_PROFILE_ARN]: init.profileArn,
    [ENV_RA_ROLE_ARN]: init.roleArn,
    [ENV_REGION]: region,
    [ENV_RA_ENDPOINT]: init.endpoint,
  };
}

/** Writes private files in `dir`, and leaves of `pki` as `tls.crt`/`tls.key`/`ca.crt`, then `tls-2.crt`, … */
function leafWriter(pki: TestPki, dir: string): Pick<RolesAnywhereWorld, "write" | "leafFiles"> {
  const write = async (name: string, content: string | Uint8Array): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, content, { mode: 0o600 });
    return path;
  };
  let issued = 0;
  const leafFiles = async (options: IssueLeafOptions = {}): Promise<TestLeafFiles> => {
    const leaf = await pki.issueLeaf(options);
    issued += 1;
    const suffix = issued === 1 ? "" : `-${issued}`;
    return {
      leaf,
      certificate: await write(`tls${suffix}.crt`, leaf.certificatePem),
      privateKey: await write(`tls${suffix}.key`, leaf.privateKeyPem),
      certificateChain: await write(`ca${suffix}.crt`, leaf.chainPem),
    };
  };
  return { write, leafFiles };
}
