import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createTestPki,
  type RolesAnywhereEmulator,
  startRolesAnywhereEmulator,
  type TestKeyType,
  type TestLeaf,
  type TestPki,
} from "@workload-identity/testing";

export const REGION = "eu-west-1";
export const ACCOUNT = "111122223333";
export const TRUST_ANCHOR_ARN = `arn:aws:rolesanywhere:${REGION}:${ACCOUNT}:trust-anchor/6a1c8d2e-0f4b-4c57-9d3a-1b2c3d4e5f60`;
export const PROFILE_ARN = `arn:aws:rolesanywhere:${REGION}:${ACCOUNT}:profile/0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/workload`;

/** A test PKI, an emulator trusting its root, and a scratch directory for certificate and key files. */
export interface RolesAnywhereFixture {
  readonly pki: TestPki;
  readonly emulator: RolesAnywhereEmulator;
  readonly dir: string;
  /** Issues a leaf and writes tls.crt / tls.key / ca.crt under a fresh sub-directory. */
  leafFiles(options?: { keyType?: TestKeyType; notBefore?: Date; notAfter?: Date }): Promise<LeafFiles>;
  write(name: string, content: string | Uint8Array): Promise<string>;
  close(): Promise<void>;
}

export interface LeafFiles {
  readonly leaf: TestLeaf;
  readonly certificate: string;
  readonly privateKey: string;
  readonly certificateChain: string;
}

export async function startFixture(options: { keyType?: TestKeyType } = {}): Promise<RolesAnywhereFixture> {
  const pki = await createTestPki({ keyType: options.keyType ?? "p256" });
  const emulator = await startRolesAnywhereEmulator({
    trustAnchors: [{ arn: TRUST_ANCHOR_ARN, caCertificatePem: pki.rootCertificatePem }],
    profiles: [{ arn: PROFILE_ARN, roleArns: [ROLE_ARN] }],
  });
  const dir = await mkdtemp(join(tmpdir(), "roles-anywhere-test-"));
  let files = 0;
  const write = async (name: string, content: string | Uint8Array): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, content, { mode: 0o600 });
    return path;
  };
  return {
    pki,
    emulator,
    dir,
    write,
    async leafFiles(leafOptions = {}) {
      const leaf = await pki.issueLeaf(leafOptions);
      files += 1;
      return {
        leaf,
        certificate: await write(`tls-${files}.crt`, leaf.certificatePem),
        privateKey: await write(`tls-${files}.key`, leaf.privateKeyPem),
        certificateChain: await write(`ca-${files}.crt`, leaf.chainPem),
      };
    },
    async close() {
      await emulator.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
