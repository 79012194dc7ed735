import { defineConfig } from "tsdown";
// `.ts`, not `.js`: Node 22.18+ and 24 load this config natively, and their loader does not map `.js` to `.ts`.
import { cliBuild, libraryBuild } from "../../tsdown.base.ts";

// The library (dual ESM/CJS with types) and the `roles-anywhere` bin (ESM only).
export default defineConfig([{ ...libraryBuild, entry: ["src/index.ts"] }, cliBuild({ cli: "src/cli/main.ts" })]);
