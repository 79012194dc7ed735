// @workload-identity/credentials against @aws-sdk/credential-providers: what users pay to load it (the BUILT dist,
// `pnpm --filter @workload-identity/credentials build` first), and the cached hot path against the SDK default chain.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { median, printRates, timeContenders } from "./lib/hot-path.js";

const packageDir = fileURLToPath(new URL("../packages/credentials/", import.meta.url));
const dist = join(packageDir, "dist");
const ROUNDS = 21;

interface Variant {
  readonly name: string;
  /** Module code run in a fresh `node` whose cwd is the package (so bare specifiers resolve as for a user). */
  readonly code: string;
  readonly type: "module" | "commonjs";
}

// The same wrapper for ESM and CJS: `--input-type` decides how `load` (an await import or a require) runs.
const measureAround = (load: string) =>
  `const t0 = performance.now(); ${load}; const ms = performance.now() - t0; ` +
  "process.stdout.write(JSON.stringify({ ms, rssKiB: process.resourceUsage().maxRSS }));";

const variants: Variant[] = [
  { name: "bare node", type: "module", code: measureAround("void 0") },
  {
    name: "import @workload-identity/credentials",
    type: "module",
    code: measureAround(`await import(${JSON.stringify(join(dist, "index.mjs"))})`),
  },
  { name: "import @aws-sdk/credential-providers", type: "module", code: measureAround(`await import("@aws-sdk/credential-providers")`) },
  {
    name: "require @workload-identity/credentials",
    type: "commonjs",
    code: measureAround(`require(${JSON.stringify(join(dist, "index.cjs"))})`),
  },
  { name: "require @aws-sdk/credential-providers", type: "commonjs", code: measureAround(`require("@aws-sdk/credential-providers")`) },
  {
    name: "import + fromEnvironmentAware() (IRSA env)",
    type: "module",
    code: measureAround(
      `const m = await import(${JSON.stringify(join(dist, "index.mjs"))}); m.fromEnvironmentAware()`,
    ),
  },
  {
    name: "import + fromNodeProviderChain()",
    type: "module",
    code: measureAround(`const m = await import("@aws-sdk/credential-providers"); m.fromNodeProviderChain()`),
  },
  { name: "import @aws-sdk/client-sts", type: "module", code: measureAround(`await import("@aws-sdk/client-sts")`) },
];

function runOnce(variant: Variant, env: NodeJS.ProcessEnv): { ms: number; rssKiB: number } {
  const result = spawnSync(process.execPath, [`--input-type=${variant.type}`, "-e", variant.code], {
    cwd: packageDir,
    env,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`${variant.name} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { ms: number; rssKiB: number };
}

async function coldLoad(): Promise<void> {
  if (!existsSync(join(dist, "index.mjs"))) {
    console.log("skipped cold load: build first (pnpm --filter @workload-identity/credentials build)");
    return;
  }
  const scratch = mkdtempSync(join(tmpdir(), "credentials-bench-"));
  // An IRSA-like environment: what a pod sees. Nothing is called, so nothing is read or fetched.
  const env = {
    PATH: process.env.PATH,
    AWS_WEB_IDENTITY_TOKEN_FILE: join(scratch, "token"),
    AWS_ROLE_ARN: "arn:aws:iam::111122223333:role/bench",
  };
  const samples = new Map(variants.map((v) => [v.name, { ms: [] as number[], rssKiB: [] as number[] }]));
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const variant of variants) {
        const { ms, rssKiB } = runOnce(variant, env);
        samples.get(variant.name)?.ms.push(ms);
        samples.get(variant.name)?.rssKiB.push(rssKiB);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const bareRss = median(samples.get("bare node")?.rssKiB ?? []);
  console.log(`Cold load in a fresh process (median of ${ROUNDS} interleaved runs; peak RSS over bare node):`);
  console.table(
    variants.map((v) => {
      const s = samples.get(v.name) ?? { ms: [], rssKiB: [] };
      return {
        variant: v.name,
        "load ms": median(s.ms).toFixed(1),
        "peak RSS MiB": (median(s.rssKiB) / 1024).toFixed(1),
        "+MiB over bare": ((median(s.rssKiB) - bareRss) / 1024).toFixed(1),
      };
    }),
  );
}

async function hotPath(): Promise<void> {
  const saved = { ...process.env };
  for (const name of Object.keys(process.env)) if (name.startsWith("AWS_")) delete process.env[name];
  const scratch = mkdtempSync(join(tmpdir(), "credentials-bench-"));
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: "AKIABENCH00000000001",
    AWS_SECRET_ACCESS_KEY: "bench-secret",
    AWS_CONFIG_FILE: join(scratch, "none"),
    AWS_SHARED_CREDENTIALS_FILE: join(scratch, "none"),
    AWS_EC2_METADATA_DISABLED: "true",
  });
  try {
    const ours = (await import(join(dist, "index.mjs"))) as typeof import("@workload-identity/credentials");
    const { fromNodeProviderChain } = await import("@aws-sdk/credential-providers");
    const shared = ours.fromEnvironmentAware();
    const sdk = fromNodeProviderChain();
    await shared();
    await sdk();
    const ns = await timeContenders([
      { name: "fromEnvironmentAware()", fn: () => shared() },
      { name: "fromNodeProviderChain()", fn: () => sdk() },
      // Not a hot path: what building one more client costs (selection + shared-cache lookup), then its first call.
      { name: "new fromEnvironmentAware() + call", fn: () => ours.fromEnvironmentAware()() },
    ]);
    console.log("\nCached hot path, static env keys through the SDK chain (median of 5 interleaved rounds):");
    printRates(ns, "fromNodeProviderChain()");
  } finally {
    for (const name of Object.keys(process.env)) if (name.startsWith("AWS_")) delete process.env[name];
    Object.assign(process.env, saved);
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Prints the section's figures. */
export async function run(): Promise<void> {
  await coldLoad();
  await hotPath();
}
