import type { Options } from "tsdown";

/**
 * In the CommonJS build, loads lazily imported packages with `require`, so a CommonJS app gets their CommonJS builds:
 * with `import()` it would load the ESM builds beside the CJS ones, two copies of each of our packages, and
 * `instanceof WorkloadIdentityError` would fail across them.
 */
const requireLazyImportsInCjs = {
  name: "require-lazy-imports-in-cjs",
  renderChunk(code: string, _chunk: unknown, options: { format: string }) {
    if (options.format !== "cjs") return null;
    return code.replace(/\bimport\(("[^"]+")\)/g, "Promise.resolve().then(() => require($1))");
  },
};

/** The build every published package shares: dual ESM (.mjs) + CommonJS (.cjs) with declarations for both. */
export const libraryBuild = {
  format: ["esm", "cjs"],
  dts: true,
  fixedExtension: true,
  platform: "node",
  target: "node20",
  plugins: [requireLazyImportsInCjs],
} satisfies Options;

/**
 * A command-line entry: ESM only and no declarations, since nothing imports a bin. Built beside the library (same
 * `dist`), so a package ships no CommonJS or type files that nothing can reach.
 */
export function cliBuild(entry: Record<string, string>) {
  return {
    entry,
    format: ["esm"],
    dts: false,
    fixedExtension: true,
    platform: "node",
    target: "node20",
  } satisfies Options;
}
