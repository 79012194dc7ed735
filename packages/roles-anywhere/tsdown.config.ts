import { defineConfig } from "tsdown";
// `.ts`, not `.js`: Node 22.18+ and 24 load this config natively, and their loader does not map `.js` to `.ts`.
import { libraryBuild } from "../../tsdown.base.ts";

export default defineConfig({ ...libraryBuild, entry: ["src/index.ts"] });
