#!/usr/bin/env node
// `workload-identity explain [--json] [--no-resolve]` and `workload-identity whoami [--json]`.
import { describeError } from "@workload-identity/credentials";
import { main } from "./run.js";

main(
  process.argv.slice(2),
  (text) => process.stdout.write(text),
  (text) => process.stderr.write(text),
).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`error: ${describeError(error)}\n`);
    process.exitCode = 1;
  },
);
