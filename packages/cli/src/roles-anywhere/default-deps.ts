import { writeSync } from "node:fs";
import { homedir } from "node:os";
import type { CliDeps } from "./cli-deps.js";

/** The version printed by `roles-anywhere --version`: keep in step with package.json. */
const VERSION = "0.1.0";

/** {@link CliDeps} of the real process, and how to wait for its output before exiting. */
export interface ProcessDeps extends CliDeps {
  /** Resolves once everything written to stderr has been handed to the system (stdout is written synchronously). */
  flush(): Promise<void>;
}

/**
 * The real process: stdio, environment, clock and signals. The library is imported only when a command needs it, so
 * `--help`, `--version` and a cached `credential-process` never load it.
 */
export function processDeps(shutdown: Promise<string>): ProcessDeps {
  let stderrUsed = false;
  return {
    createProvider: async (request) => (await import("./roles-anywhere-provider.js")).createRolesAnywhereProvider(request),
    inspectCertificate: async (certificate) => (await import("@workload-identity/roles-anywhere")).inspectCertificate({ certificate }),
    // One synchronous write of at most a few kilobytes (atomic on a pipe): building `process.stdout` would cost a
    // tenth of a cached `credential-process` run.
    stdout: (text) => {
      writeSync(1, text);
    },
    stderr: (text) => {
      stderrUsed = true;
      process.stderr.write(text);
    },
    flush: () => (stderrUsed ? new Promise<void>((resolve) => process.stderr.write("", () => resolve())) : Promise.resolve()),
    env: process.env,
    cwd: process.cwd(),
    homedir: homedir(),
    now: Date.now,
    waitForShutdown: () => shutdown,
    version: VERSION,
  };
}
