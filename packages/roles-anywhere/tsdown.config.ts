import { defineConfig } from "tsdown";
// `.ts`, not `.js`: Node 22.18+ and 24 load this config natively, and their loader does not map `.js` to `.ts`.
import { libraryBuild } from "../../tsdown.base.ts";

// The CLI (bin `roles-anywhere`) is a second entry; both share the library chunk.
export default defineConfig({ ...libraryBuild, entry: { index: "src/index.ts", cli: "src/cli/main.ts" } });
