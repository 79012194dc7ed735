// A file of its own, importing types only: the start-path test loads it before it forbids the SDK packages.
import { join } from "node:path";
import type { CliDeps } from "../src/roles-anywhere/cli-deps.js";

const DAY_MS = 86_400_000;

/**
 * A configuration's flags for a run over {@link createTestCliDeps} with a fake provider: relative paths nothing reads
 * and ARNs of role `reader` (the IMDS route's role name).
 */
export const FLAGS: readonly string[] = [
  "--certificate", "tls.crt",
  "--private-key", "tls.key",
  "--trust-anchor-arn", "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/ta",
  "--profile-arn", "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/p",
  "--role-arn", "arn:aws:iam::123456789012:role/apps/reader",
];

/** {@link CliDeps} for a test, with what the CLI wrote kept and its shutdown in the test's hands. */
export interface TestCliDeps extends CliDeps {
  /** What the CLI wrote through the default `stdout` and `stderr`. */
  readonly written: { readonly stdout: string[]; readonly stderr: string[] };
  /** The JSON lines written to stderr: serve's log, credential-process's debug log. */
  logLines(): Record<string, unknown>[];
  /** Ends `waitForShutdown`, as the signal would. */
  shutdown(signal?: string): void;
}

/**
 * The CLI's dependencies for a test, working in `overrides.cwd` (also its home, its cache under `cache/`): output kept
 * in memory, the real clock, a certificate valid 90 more days on that clock, no credential provider (give
 * `createProvider`), and a `waitForShutdown` that `shutdown()` ends. Each of `overrides` replaces its default.
 */
export function createTestCliDeps(overrides: Partial<CliDeps> & Pick<CliDeps, "cwd">): TestCliDeps {
  const written = { stdout: [] as string[], stderr: [] as string[] };
  let signal: (name: string) => void = () => undefined;
  const shutdownRequested = new Promise<string>((resolve) => (signal = resolve));
  const now = overrides.now ?? Date.now;
  const deps: CliDeps = {
    createProvider: () => {
      throw new Error("this test gives the CLI no credential provider");
    },
    inspectCertificate: async () => ({ subject: "CN=workload.test", serialNumber: "4242", validTo: new Date(now() + 90 * DAY_MS) }),
    stdout: (text) => written.stdout.push(text),
    stderr: (text) => written.stderr.push(text),
    env: { XDG_CACHE_HOME: join(overrides.cwd, "cache") },
    homedir: overrides.cwd,
    now,
    waitForShutdown: () => shutdownRequested,
    version: "0.0.0-test",
    ...overrides,
  };
  return {
    ...deps,
    written,
    logLines: () =>
      written.stderr
        .join("")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    shutdown: (name = "SIGTERM") => signal(name),
  };
}
