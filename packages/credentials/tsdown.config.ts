import { defineConfig } from "tsdown";

export default defineConfig({
  // The library, and the `workload-identity-credentials` bin (explain, whoami) sharing its chunks.
  entry: ["src/index.ts", "src/cli.ts"],
  format: ["esm", "cjs"],
  dts: true,
  fixedExtension: true,
  platform: "node",
  target: "node20",
});
