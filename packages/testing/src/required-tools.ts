/** The variable CI sets: on a machine that installed every test package, a missing tool is a failure, not a skip. */
export const REQUIRE_TOOLS_VARIABLE = "WORKLOAD_IDENTITY_REQUIRE_TOOLS";

/**
 * `reason` (why a real component's tests cannot run) for `describe.skipIf`; but when CI requires the tools, a missing
 * one throws, so its test file fails instead of reporting itself skipped.
 */
export function skipUnlessRequired(reason: string | undefined): string | undefined {
  if (reason !== undefined && process.env[REQUIRE_TOOLS_VARIABLE] === "1") {
    throw new Error(`${REQUIRE_TOOLS_VARIABLE}=1 but ${reason}: run scripts/setup.sh --with-test-packages as root.`);
  }
  return reason;
}
