// IAM Roles Anywhere: the cost of signing one CreateSession request against a bare crypto.sign of the same
// string-to-sign (target ≤ 1.2×), and end-to-end time to first credentials against the local emulator.
import { createPrivateKey, type KeyObject, sign, X509Certificate } from "node:crypto";
import { fromRolesAnywhere, signCreateSessionRequest } from "@workload-identity/roles-anywhere";
import { type RolesAnywhereWorld, startRolesAnywhereWorld, type TestKeyType } from "@workload-identity/testing";
import { measure } from "mitata";
import { median } from "./lib/hot-path.js";

interface Material {
  certificate: X509Certificate;
  chain: X509Certificate[];
  privateKey: KeyObject;
}

function material(world: RolesAnywhereWorld): Material {
  return {
    certificate: new X509Certificate(world.leaf.certificatePem),
    chain: [new X509Certificate(world.leaf.chainPem)],
    privateKey: createPrivateKey(world.leaf.privateKeyPem),
  };
}

async function signing(keyType: TestKeyType, world: RolesAnywhereWorld): Promise<{ ours: number; bare: number }> {
  const { trustAnchorArn, profileArn, roleArn, region } = world;
  const body = JSON.stringify({ durationSeconds: 3600, profileArn, roleArn, trustAnchorArn });
  const input = { ...material(world), body, region, host: `rolesanywhere.${region}.amazonaws.com`, date: new Date() };
  const stringToSign = Buffer.from(signCreateSessionRequest(input).stringToSign);
  const ours: number[] = [];
  const bare: number[] = [];
  for (let round = 0; round < 5; round += 1) {
    ours.push((await measure(() => signCreateSessionRequest(input))).avg);
    bare.push((await measure(() => sign("sha256", stringToSign, input.privateKey))).avg);
  }
  const result = { ours: median(ours), bare: median(bare) };
  console.log(
    `${keyType.padEnd(7)}  signCreateSessionRequest ${(result.ours / 1000).toFixed(1).padStart(7)} µs   ` +
      `bare crypto.sign ${(result.bare / 1000).toFixed(1).padStart(7)} µs   ratio ${(result.ours / result.bare).toFixed(3)}×`,
  );
  return result;
}

async function timeToFirstCredentials(keyType: TestKeyType, world: RolesAnywhereWorld, runs: number): Promise<void> {
  const { init } = world;
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
}

export async function run(): Promise<void> {
  const rsa = await startRolesAnywhereWorld({ keyType: "rsa2048" });
  const p256 = await startRolesAnywhereWorld({ keyType: "p256" });
  try {
    console.log("Signing one CreateSession (median of 5 interleaved mitata rounds; includes building the canonical request):");
    await signing("rsa2048", rsa);
    await signing("p256", p256);
    console.log("\nTime to first credentials against the emulator (read files, parse, check, sign, POST, emulator verifies chain):");
    await timeToFirstCredentials("rsa2048", rsa, 50);
    await timeToFirstCredentials("p256", p256, 50);
  } finally {
    await Promise.all([rsa.close(), p256.close()]);
  }
}
