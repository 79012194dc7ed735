import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const workspacePackages = ["core", "refresh", "web-identity", "roles-anywhere", "credentials", "testing"];

// Tests import the packages' TypeScript sources, so no build is needed to run them.
const alias = Object.fromEntries(
  workspacePackages.map((name) => [
    `@workload-identity/${name}`,
    fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url)),
  ]),
);

const project = (name: string, root: string) => ({
  extends: true as const,
  test: { name, root, include: ["src/**/*.test.ts", "test/**/*.test.ts"] },
});

// Subpath entries, listed before the packages' own so the longer name wins; then the example's public entry.
const subpaths = {
  "@workload-identity/core/redaction": fileURLToPath(new URL("./packages/core/src/redaction.ts", import.meta.url)),
  "@workload-identity/testing/vitest": fileURLToPath(new URL("./packages/testing/src/vitest.ts", import.meta.url)),
  "@workload-identity/example-sqs-consumer": fileURLToPath(new URL("./examples/sqs-consumer/src/index.ts", import.meta.url)),
};

export default defineConfig({
  resolve: { alias: { ...subpaths, ...alias } },
  test: {
    projects: [
      ...workspacePackages.map((name) => project(name, `packages/${name}`)),
      project("cli", "packages/cli"),
      project("sqs-consumer", "examples/sqs-consumer"),
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
