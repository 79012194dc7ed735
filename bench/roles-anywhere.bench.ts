// IAM Roles Anywhere: the cost of signing one CreateSession request against a bare crypto.sign of the same
// string-to-sign (target ≤ 1.2×), and end-to-end time to first credentials against the local emulator.
import { createPrivateKey, type KeyObject, sign, X509Certificate } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromRolesAnywhere, signCreateSessionRequest } from "@workload-identity/roles-anywhere";
import { createTestPki, startRolesAnywhereEmulator, type TestKeyType } from "@workload-identity/testing";
import { measure } from "mitata";
import { median } from "./lib/hot-path.js";

const TRUST_ANCHOR = "arn:aws:rolesanywhere:eu-west-1:111122223333:trust-anchor/bench-anchor";
const PROFILE = "arn:aws:rolesanywhere:eu-west-1:111122223333:profile/bench-profile";
const ROLE = "arn:aws:iam::111122223333:role/bench";
const BODY = JSON.stringify({ durationSeconds: 3600, profileArn: PROFILE, roleArn: ROLE, trustAnchorArn: TRUST_ANCHOR });

interface Material {
  certificate: X509Certificate;
  chain: X509Certificate[];
  privateKey: KeyObject;
  certificatePem: string;
  chainPem: string;
  privateKeyPem: string;
}

async function material(keyType: TestKeyType): Promise<{ rootPem: string; leaf: Material }> {
  const pki = await createTestPki({ keyType });
  const leaf = await pki.issueLeaf();
  return {
    rootPem: pki.rootCertificatePem,
    leaf: {
      certificate: new X509Certificate(leaf.certificatePem),
      chain: [new X509Certificate(leaf.chainPem)],
      privateKey: createPrivateKey(leaf.privateKeyPem),
      certificatePem: leaf.certificatePem,
      chainPem: leaf.chainPem,
      privateKeyPem: leaf.privateKeyPem,
    },
  };
}

async function signing(keyType: TestKeyType, leaf: Material): Promise<{ ours: number; bare: number }> {
  const date = new Date();
  const input = { certificate: leaf.certificate, privateKey: leaf.privateKey, chain: leaf.chain, body: BODY, region: "eu-west-1", host: "rolesanywhere.eu-west-1.amazonaws.com", date };
  const stringToSign = Buffer.from(signCreateSessionRequest(input).stringToSign);
  const ours: number[] = [];
  const bare: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    ours.push((await measure(() => signCreateSessionRequest(input))).avg);
    bare.push((await measure(() => sign("sha256", stringToSign, leaf.privateKey))).avg);
  }
  const result = { ours: median(ours), bare: median(bare) };
  console.log(
    `${keyType.padEnd(7)}  signCreateSessionRequest ${(result.ours / 1000).toFixed(1).padStart(7)} µs   ` +
      `bare crypto.sign ${(result.bare / 1000).toFixed(1).padStart(7)} µs   ratio ${(result.ours / result.bare).toFixed(3)}×`,
  );
  return result;
}

async function timeToFirstCredentials(keyType: TestKeyType, rootPem: string, leaf: Material, runs: number): Promise<void> {
  const emulator = await startRolesAnywhereEmulator({
    trustAnchors: [{ arn: TRUST_ANCHOR, caCertificatePem: rootPem }],
    profiles: [{ arn: PROFILE, roleArns: [ROLE] }],
  });
  const dir = await mkdtemp(join(tmpdir(), "roles-anywhere-bench-"));
  try {
    const certificate = join(dir, "tls.crt");
    const privateKey = join(dir, "tls.key");
    const certificateChain = join(dir, "ca.crt");
    await writeFile(certificate, leaf.certificatePem);
    await writeFile(privateKey, leaf.privateKeyPem);
    await writeFile(certificateChain, leaf.chainPem);
    const init = { certificate, privateKey, certificateChain, trustAnchorArn: TRUST_ANCHOR, profileArn: PROFILE, roleArn: ROLE, endpoint: emulator.endpoint };
    await fromRolesAnywhere(init)(); // warm-up: module and connection setup
    const samples: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const started = process.hrtime.bigint();
      await fromRolesAnywhere(init)();
      samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    samples.sort((a, b) => a - b);
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]?.toFixed(2);
    console.log(`${keyType.padEnd(7)}  ${runs} fresh providers: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms`);
  } finally {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const rsa = await material("rsa2048");
  const p256 = await material("p256");
  console.log("Signing one CreateSession (median of 5 interleaved mitata rounds; includes building the canonical request):");
  await signing("rsa2048", rsa.leaf);
  await signing("p256", p256.leaf);
  console.log("\nTime to first credentials against the emulator (read files, parse, check, sign, POST, emulator verifies chain):");
  await timeToFirstCredentials("rsa2048", rsa.rootPem, rsa.leaf, 50);
  await timeToFirstCredentials("p256", p256.rootPem, p256.leaf, 50);
}
