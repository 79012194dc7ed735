// The CLI's logic, separate from the bin so tests can run it in process.
import { errorMessage } from "./errors.js";
import { explain } from "./explain.js";
import { formatExplanation } from "./format-explanation.js";
import { redact } from "@workload-identity/core";
import { registerEnvironmentSecrets } from "./redact.js";
import { whoami } from "./whoami.js";

const USAGE = `usage: workload-identity-credentials <command> [options]

commands:
  explain [--json] [--no-resolve]   which credential source is used here, why, and what it sees (no secrets)
  whoami [--json]                   resolve credentials and print STS GetCallerIdentity: account, ARN, source
`;

/** Runs `workload-identity-credentials ARGS`; returns the exit code. */
export async function main(argv: readonly string[], out: (text: string) => void, err: (text: string) => void): Promise<number> {
  const [command, ...rest] = argv;
  const flags = new Set(rest);
  const known = command === "explain" ? ["--json", "--no-resolve"] : ["--json"];
  const unknown = rest.filter((flag) => !known.includes(flag));
  if (command === "--help" || command === "-h" || command === "help") {
    out(USAGE);
    return 0;
  }
  if ((command !== "explain" && command !== "whoami") || unknown.length > 0) {
    err(`${command === undefined ? "missing command" : unknown.length > 0 ? `unknown option ${unknown[0]}` : `unknown command ${command}`}\n${USAGE}`);
    return 2;
  }
  const json = flags.has("--json");
  if (command === "explain") {
    const explanation = await explain({ resolve: !flags.has("--no-resolve") });
    out(json ? `${JSON.stringify(explanation, null, 2)}\n` : formatExplanation(explanation));
    return explanation.error === undefined ? 0 : 1;
  }
  try {
    const identity = await whoami();
    out(
      json
        ? `${JSON.stringify(identity, null, 2)}\n`
        : `account: ${identity.account}\narn: ${identity.arn}\nuser id: ${identity.userId}\nsource: ${identity.source}` +
            `${identity.link === undefined ? "" : ` (${identity.link})`}\n`,
    );
    return 0;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // Another package's message may quote a path variable that holds the secret itself (a pasted token).
    registerEnvironmentSecrets(process.env);
    const message = redact(errorMessage(error));
    err(json ? `${JSON.stringify({ error: { code: code ?? null, message } }, null, 2)}\n` : `error: ${typeof code === "string" ? `${code}: ` : ""}${message}\n`);
    return 1;
  }
}
