import { WorkloadIdentityError } from "@workload-identity/credentials";

/** One bad or missing setting found by `loadConfig`. */
export interface ConfigProblem {
  /** The environment variable at fault. */
  readonly variable: string;
  /** What is wrong and what is expected; never the value of a secret. */
  readonly problem: string;
}

/** The environment does not configure the consumer correctly. Lists every problem at once, not only the first. */
export class ConfigError extends WorkloadIdentityError {
  /** Every problem found, in the order the variables are documented. */
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(
      "CONFIG_INVALID",
      `The consumer's configuration is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"}): ` +
        problems.map((p) => `${p.variable} ${p.problem}`).join("; ") +
        ". Fix these environment variables and start again.",
    );
    this.problems = problems;
  }
}
