#!/usr/bin/env node
// workload-identity-credentials: `explain [--json] [--no-resolve]` and `whoami [--json]`.
import { describeCause } from "./errors.js";
import { main } from "./run-cli.js";

main(
  process.argv.slice(2),
  (text) => process.stdout.write(text),
  (text) => process.stderr.write(text),
).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${describeCause(error)}\n`);
    process.exitCode = 1;
  },
);
