// The `workload-identity` CLI's logic (explain, whoami), apart from the bin so tests run it in process. Built on the
// public API of @workload-identity/credentials alone.
import { parseArgs } from "node:util";
import { describeError, explain, formatExplanation, whoami } from "@workload-identity/credentials";

const USAGE = `usage: workload-identity <command> [options]

commands:
  explain [--json] [--no-resolve]   which credential source is used here, why, and what it sees (no secrets)
  whoami [--json]                   resolve credentials and print STS GetCallerIdentity: account, ARN, source
`;

/** Exit codes: 0 done, 1 the configuration or the call failed, 2 a usage error. */
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

type Write = (text: string) => void;

const OPTIONS = { json: { type: "boolean" }, "no-resolve": { type: "boolean" } } as const;

/** Our errors' messages say what to fix (and are redacted); anything else is described by the one rule. */
function messageOf(error: unknown): string {
  const isOurs = error instanceof Error && typeof (error as { code?: unknown }).code === "string" && !("syscall" in error);
  return isOurs ? error.message : describeError(error);
}

async function runExplain(json: boolean, resolve: boolean, out: Write): Promise<number> {
  const explanation = await explain({ resolve });
  out(json ? `${JSON.stringify(explanation, null, 2)}\n` : formatExplanation(explanation));
  return explanation.error === undefined ? EXIT_OK : EXIT_FAILED;
}

async function runWhoami(json: boolean, out: Write, err: Write): Promise<number> {
  try {
    const identity = await whoami();
    const link = identity.link === undefined ? "" : ` (${identity.link})`;
    out(
      json
        ? `${JSON.stringify(identity, null, 2)}\n`
        : `account: ${identity.account}\narn: ${identity.arn}\nuser id: ${identity.userId}\nsource: ${identity.source}${link}\n`,
    );
    return EXIT_OK;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const message = messageOf(error);
    err(
      json
        ? `${JSON.stringify({ error: { code: code ?? null, message } }, null, 2)}\n`
        : `error: ${typeof code === "string" ? `${code}: ` : ""}${message}\n`,
    );
    return EXIT_FAILED;
  }
}

/** Runs `workload-identity ARGS`; returns the exit code. */
export async function main(argv: readonly string[], out: Write, err: Write): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "--help" || command === "-h" || command === "help") {
    out(USAGE);
    return EXIT_OK;
  }
  if (command !== "explain" && command !== "whoami") {
    err(`${command === undefined ? "missing command" : `unknown command ${command}`}\n${USAGE}`);
    return EXIT_USAGE;
  }
  let json: boolean;
  let noResolve: boolean;
  try {
    const { values } = parseArgs({ args: [...rest], options: OPTIONS, strict: true, allowPositionals: false });
    json = values.json === true;
    noResolve = values["no-resolve"] === true;
  } catch (error) {
    err(`${(error as Error).message}\n${USAGE}`);
    return EXIT_USAGE;
  }
  if (noResolve && command !== "explain") {
    err(`--no-resolve is an option of explain only\n${USAGE}`);
    return EXIT_USAGE;
  }
  return command === "explain" ? runExplain(json, !noResolve, out) : runWhoami(json, out, err);
}
