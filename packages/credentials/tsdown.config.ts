import { defineConfig } from "tsdown";
import { libraryBuild } from "../../tsdown.base.js";

// The library, and the `workload-identity-credentials` bin (explain, whoami) sharing its chunks.
export default defineConfig({ ...libraryBuild, entry: ["src/index.ts", "src/cli.ts"] });
