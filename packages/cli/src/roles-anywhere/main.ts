#!/usr/bin/env node
import { processDeps } from "./default-deps.js";
import { runCli } from "./run.js";

const argv = process.argv.slice(2);
// `serve` and `update` listen for the signals from the start, so a SIGTERM during startup still ends them cleanly. The
// other commands keep the default handling: a signal ends them at once (a listener would hold them until
// CreateSession answered or timed out).
const shutdown = new Promise<string>((resolve) => {
  if (argv[0] !== "serve" && argv[0] !== "update") return;
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => resolve(signal));
});

const deps = processDeps(shutdown);

runCli(argv, deps).then(
  async (code) => {
    // Exit explicitly once the output is flushed: keep-alive sockets must not hold a finished command open.
    await deps.flush();
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`roles-anywhere: internal error: ${error instanceof Error ? error.name : "unknown"}\n`);
    process.exit(70);
  },
);
