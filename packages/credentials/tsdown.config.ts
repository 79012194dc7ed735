import { defineConfig, type UserConfig } from "tsdown";

type Plugin = NonNullable<UserConfig["plugins"]> extends infer P ? (P extends readonly (infer Q)[] ? Q : never) : never;

/**
 * In the CommonJS build, loads the lazily imported packages with `require`, so a CommonJS app gets their CommonJS
 * builds: with `import()` it would load the ESM builds beside the CJS ones, two copies of each of our packages, and
 * `instanceof WorkloadIdentityError` would fail across them.
 */
const requireLazyImportsInCjs = {
  name: "require-lazy-imports-in-cjs",
  renderChunk(code: string, _chunk: unknown, options: { format: string }) {
    if (options.format !== "cjs") return null;
    return code.replace(/\bimport\(("[^"]+")\)/g, "Promise.resolve().then(() => require($1))");
  },
} as Plugin;

export default defineConfig({
  // The library, and the `workload-identity-credentials` bin (explain, whoami) sharing its chunks.
  entry: ["src/index.ts", "src/cli.ts"],
  format: ["esm", "cjs"],
  dts: true,
  fixedExtension: true,
  platform: "node",
  target: "node20",
  plugins: [requireLazyImportsInCjs],
});
