import { defineConfig } from "tsdown";
import { libraryBuild } from "../../tsdown.base.js";

// The CLI (bin `roles-anywhere`) is a second entry; both share the library chunk.
export default defineConfig({ ...libraryBuild, entry: { index: "src/index.ts", cli: "src/cli/main.ts" } });
