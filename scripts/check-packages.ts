// The packaging check (`pnpm check:packages`, run by .ci/run after the build): packs every published package as a
// release would, checks each tarball, then installs them with plain npm into new projects beside
// `@aws-sdk/client-sqs` at the oldest SDK release we support and at the latest, and fails when npm lays out a second
// copy of an `@aws-sdk/*` or `@smithy/*` package that the SDK alone does not have. Finally it imports the packages
// there, as ESM and as CommonJS, and resolves credentials once through `fromEnvironmentAware()` and an SQS client
// (web identity, against the local OIDC issuer and STS emulator).
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { childProcessEnv, createProjectedTokenDir, startOidcIssuer, startStsEmulator } from "@workload-identity/testing";
import { inspectTarball } from "./check-packages/tarball.ts";
import { duplicateCopies } from "./check-packages/npm-tree.ts";
import { CJS_PROBE, ESM_PROBE, type ProbeResult } from "./check-packages/probes.ts";
import { publishedPackages, REPO_ROOT } from "./published-packages.ts";

const ROLE_ARN = "arn:aws:iam::111122223333:role/packaging-check";
const problems: string[] = [];
const scratch = mkdtempSync(join(tmpdir(), "check-packages-"));

// npm reads npm_config_* variables, and pnpm sets its own there: give npm a clean environment.
const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_config_")));

function run(command: string, args: readonly string[], cwd: string): string {
  return execFileSync(command, args, { cwd, env: npmEnv, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** The floor of the SDK range in the catalog (`"@aws-sdk/client-sqs": ^3.974.0` → 3.974.0): one place for it. */
function sdkFloor(): string {
  const workspace = readFileSync(join(REPO_ROOT, "pnpm-workspace.yaml"), "utf8");
  const match = /"@aws-sdk\/client-sqs":\s*\^(\d+\.\d+\.\d+)/.exec(workspace);
  if (match?.[1] === undefined) throw new Error("pnpm-workspace.yaml: no caret range for @aws-sdk/client-sqs in the catalog");
  return match[1];
}

function newProject(name: string, dependencies: readonly string[]): string {
  const dir = join(scratch, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, version: "0.0.0", private: true }));
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...dependencies], dir);
  return dir;
}

// 1. Pack as a release does (pnpm rewrites catalog: and workspace: specifiers) and look inside each tarball.
const packs = join(scratch, "packs");
mkdirSync(packs);
const tarballs: string[] = [];
for (const pkg of publishedPackages()) {
  const output = run("pnpm", ["pack", "--pack-destination", packs], pkg.dir).trim().split("\n");
  const tarball = output.at(-1) ?? "";
  tarballs.push(tarball);
  const findings = inspectTarball(tarball);
  problems.push(...findings.map((finding) => `${pkg.name}: ${finding}`));
  console.log(`pack: ${pkg.name} ${findings.length === 0 ? "ok" : `${findings.length} problem(s)`}`);
}

// 2. Install beside the SDK at the floor and at the latest release, with npm, as a user would.
const oidc = await startOidcIssuer();
const sts = await startStsEmulator({ roles: [{ arn: ROLE_ARN, issuer: oidc.issuer, allowedSubjects: ["system:serviceaccount:*"] }] });
const tokenDir = await createProjectedTokenDir();
await tokenDir.write(await oidc.mintServiceAccountToken({ namespace: "check", serviceAccount: "packages" }));
try {
  for (const [label, version] of [
    ["floor", sdkFloor()],
    ["latest", "latest"],
  ] as const) {
    const sdk = `@aws-sdk/client-sqs@${version}`;
    const alone = newProject(`sdk-${label}`, [sdk]);
    const beside = newProject(`beside-${label}`, [sdk, ...tarballs]);
    const installed = JSON.parse(run("npm", ["ls", "@aws-sdk/client-sqs", "--json"], beside)) as {
      dependencies: Record<string, { version: string }>;
    };
    const sdkVersion = installed.dependencies["@aws-sdk/client-sqs"]?.version ?? "?";
    const extra = duplicateCopies(beside, alone);
    for (const copy of extra) problems.push(`beside ${sdk}: a second copy of ${copy}`);
    console.log(`install: beside client-sqs ${sdkVersion} (${label}) ${extra.length === 0 ? "one copy of each SDK package" : `${extra.length} extra copies`}`);

    const env = childProcessEnv({
      HOME: beside,
      AWS_REGION: "eu-west-1",
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenDir.tokenFile,
      AWS_ROLE_ARN: ROLE_ARN,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      AWS_CONFIG_FILE: join(beside, "no-config"),
      AWS_SHARED_CREDENTIALS_FILE: join(beside, "no-credentials"),
    });
    // The commands, as npm linked them.
    for (const bin of ["roles-anywhere", "workload-identity"]) {
      try {
        await promisify(execFile)(join(beside, "node_modules", ".bin", bin), ["--help"], { cwd: beside, env, timeout: 30_000 });
      } catch (error) {
        problems.push(`beside ${sdk}: \`${bin} --help\` failed: ${String((error as { stderr?: unknown }).stderr ?? error)}`);
      }
    }
    for (const [kind, file, probe] of [
      ["ESM", "probe.mjs", ESM_PROBE],
      ["CommonJS", "probe.cjs", CJS_PROBE],
    ] as const) {
      writeFileSync(join(beside, file), probe);
      let result: ProbeResult;
      try {
        // Asynchronous: the STS emulator answering the probe runs in this process.
        const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: beside, env, encoding: "utf8", timeout: 60_000 });
        result = JSON.parse(stdout) as ProbeResult;
      } catch (error) {
        problems.push(`beside ${sdk}: the ${kind} probe failed: ${String((error as { stderr?: unknown }).stderr ?? error)}`);
        continue;
      }
      const issued = sts.credentialsIssued().map((c) => c.accessKeyId);
      if (!issued.includes(result.accessKeyId)) problems.push(`beside ${sdk}: ${kind} resolved ${result.accessKeyId}, not what STS issued`);
      problems.push(...result.missing.map((name) => `beside ${sdk}: ${kind} import lacks ${name}`));
      console.log(`import: ${kind} beside client-sqs ${sdkVersion}: credentials ${result.accessKeyId}, ${result.exported} exports`);
    }
  }
} finally {
  await Promise.all([oidc.close(), sts.close(), tokenDir.remove()]);
  rmSync(scratch, { recursive: true, force: true });
}

if (problems.length > 0) {
  console.error(`check-packages: ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log("check-packages: ok");
