import { defineConfig } from "tsdown";

export default defineConfig({
  // The CLI (bin `roles-anywhere`) is a second entry; both share the library chunk.
  entry: { index: "src/index.ts", cli: "src/cli/main.ts" },
  format: ["esm", "cjs"],
  dts: true,
  fixedExtension: true,
  platform: "node",
  target: "node20",
});
