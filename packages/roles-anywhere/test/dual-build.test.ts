// The built package as users load it (needs `pnpm build`): node-forge and undici are loaded lazily, and a lazy
// `import()` of a CommonJS module differs between the two builds.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
// The child keeps this process's clock (libfaketime's variables): the PKI dated the certificate by it.
import { childProcessEnv, createTestPki, exportPkcs12, opensslUnavailableReason } from "@workload-identity/testing";
import { describe, expect, it } from "vitest";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const run = promisify(execFile);
const unavailable = opensslUnavailableReason();

/** Reads a PKCS#12 bundle (base64 in BUNDLE) with the built package, and prints the algorithm or the error code. */
const script = (load: "require" | "import") => `
  const load = ${load === "require" ? "async (name) => require(name)" : "(name) => import(name)"};
  (async () => {
    const { loadCredentialMaterial } = await load("@workload-identity/roles-anywhere");
    const certificate = Buffer.from(process.env.BUNDLE, "base64");
    const material = await loadCredentialMaterial({ certificate, passphrase: "dual-build-pass" }, new Date());
    console.log(JSON.stringify({ algorithm: material.algorithm, chain: material.chain.length }));
  })().catch((error) => console.log(JSON.stringify({ code: error.code, message: error.message })));
`;

describe.skipIf(unavailable !== undefined)(`the built package reads PKCS#12${unavailable === undefined ? "" : ` — skipped: ${unavailable}`}`, () => {
  it.each(["require", "import"] as const)("under %s", async (load) => {
    expect(existsSync(`${packageDir}/dist/index.cjs`) && existsSync(`${packageDir}/dist/index.mjs`), "run `pnpm build`").toBe(true);
    const pki = await createTestPki({ keyType: "p256" });
    const leaf = await pki.issueLeaf();
    const bundle = await exportPkcs12({ certificatePem: leaf.certificatePem, privateKeyPem: leaf.privateKeyPem, extraCertificatesPem: leaf.chainPem, password: "dual-build-pass" });
    const args = load === "require" ? ["-e", script(load)] : ["--input-type=module", "-e", script(load)];
    const { stdout } = await run(process.execPath, args, { cwd: packageDir, env: childProcessEnv({ BUNDLE: bundle.toString("base64") }) });
    expect(JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}")).toEqual({ algorithm: "AWS4-X509-ECDSA-SHA256", chain: 1 });
  });
});
