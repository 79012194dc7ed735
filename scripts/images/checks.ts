// The pod scenarios' assertions: each one printed as it is made, and written in the shape of vitest's JSON report so
// .ci/run's summary (scripts/test-summary.mjs) counts them with the tests.
import { writeFileSync } from "node:fs";

interface Check {
  readonly group: string;
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** Records checks under a group name; `check` returns the condition so a scenario can stop after a failed one. */
export class Checks {
  private readonly results: Check[] = [];
  private group = "pods";

  /** Names the group of the checks that follow (one scenario). */
  section(group: string): void {
    this.group = group;
    console.log(`\n\u25b6 ${group}`);
  }

  check(name: string, ok: boolean, detail = ""): boolean {
    this.results.push({ group: this.group, name, ok, detail });
    console.log(`  ${ok ? "\u2713" : "\u2717"} ${name}${detail === "" ? "" : ` \u2014 ${detail}`}`);
    return ok;
  }

  /** A step that threw: one failed check naming it. */
  failed(name: string, error: unknown): void {
    this.check(name, false, error instanceof Error ? error.message : String(error));
  }

  get failures(): number {
    return this.results.filter((r) => !r.ok).length;
  }

  get count(): number {
    return this.results.length;
  }

  /** Writes the checks as vitest's JSON reporter would: one assertion per check, one file per group. */
  writeVitestJson(file: string): void {
    const groups = [...new Set(this.results.map((r) => r.group))];
    const passed = this.results.filter((r) => r.ok).length;
    writeFileSync(
      file,
      JSON.stringify({
        numTotalTests: this.results.length,
        numPassedTests: passed,
        numFailedTests: this.results.length - passed,
        numPendingTests: 0,
        numTodoTests: 0,
        success: this.failures === 0 && this.results.length > 0,
        testResults: groups.map((group) => ({
          name: group,
          status: this.results.some((r) => r.group === group && !r.ok) ? "failed" : "passed",
          assertionResults: this.results
            .filter((r) => r.group === group)
            .map((r) => ({
              fullName: `${group} ${r.name}`,
              title: r.name,
              status: r.ok ? "passed" : "failed",
              failureMessages: r.ok ? [] : [r.detail],
            })),
        })),
      }),
    );
  }
}
