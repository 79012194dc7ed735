import { defineConfig } from "tsdown";
import { libraryBuild } from "../../tsdown.base.js";

export default defineConfig({ ...libraryBuild, entry: ["src/index.ts"] });
