// `@workload-identity/testing/vitest`: test support that calls vitest's `vi`, apart from the main entry, which bench,
// the demo and scripts load outside a test runner.
export { isolateEnvironment } from "./isolate-environment.js";
