import { defineConfig } from "tsdown";

// The consumer's own code in one ESM file; its dependencies stay in node_modules (the image gets them from
// `pnpm deploy --prod`).
export default defineConfig({
  entry: ["src/main.ts"],
  format: ["esm"],
  dts: false,
  fixedExtension: true,
  platform: "node",
  target: "node20",
});
