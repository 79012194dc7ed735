import { defineConfig } from "tsdown";
// `.ts`, not `.js`: Node 22.18+ and 24 load this config natively, and their loader does not map `.js` to `.ts`.
import { cliBuild } from "../../tsdown.base.ts";

/**
 * What `--help`, `--version` and a cached `credential-process` load, and the bundler's own helpers: one chunk, so
 * those runs read two files (the entry and this chunk) whatever the rest of the CLI shares with them.
 */
const START_PATH = /^rolldown:runtime$|src[\\/]roles-anywhere[\\/](?:run|args|usage|log|cache|credential-process|default-deps)\.ts$/;

/**
 * Node's built-in modules are CommonJS already: the bundler's `__toESM` copy of one only costs time, and for
 * `node:fs` on Node 24 it costs 5 ms (copying its properties wakes its lazy ones), a fifth of a cached
 * `credential-process` run. Named imports of a built-in read the module object directly, so the copy goes (a binding
 * read through `.default` keeps it), and so does the helpers' chunk when nothing else in the chunk uses it.
 */
const requireBuiltinsAsTheyAre = {
  name: "require-builtins-as-they-are",
  renderChunk(code: string) {
    const direct = code.replace(
      /^(let (\w+) = require\("node:[\w/]+"\);)\n\2 = require_rolldown_runtime\.__toESM\(\2\);$/gm,
      (line: string, declaration: string, binding: string) => (code.includes(`${binding}.default`) ? line : declaration),
    );
    const helpers = /^const require_rolldown_runtime = require\('[^']+'\);\n/m;
    return direct.split("require_rolldown_runtime").length === 2 ? direct.replace(helpers, "") : direct;
  },
};

// The `roles-anywhere` bin is CommonJS only: the AWS CLI starts `credential_process` once per command, and Node's ES
// module loader adds ~5 ms to a ~25 ms start, which a cached answer cannot afford. `workload-identity` (explain,
// whoami) is an ES module like the library it uses.
export default defineConfig([
  {
    ...cliBuild({ "roles-anywhere": "src/roles-anywhere/main.ts" }),
    format: ["cjs"],
    plugins: [requireBuiltinsAsTheyAre],
    outputOptions: {
      advancedChunks: { groups: [{ name: (id: string) => (START_PATH.test(id) ? "roles-anywhere-start" : null) }] },
    },
  },
  cliBuild({ "workload-identity": "src/workload-identity/main.ts" }),
]);
