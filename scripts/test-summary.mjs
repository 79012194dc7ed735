// Prints vitest's JSON results as the plain line CI reads ("N passed, N failed, N skipped"), and fails when no test
// ran, so an empty run cannot look green.
import { readFileSync } from "node:fs";

const results = JSON.parse(readFileSync(process.argv[2], "utf8"));
const skipped = results.numPendingTests + results.numTodoTests;
for (const file of results.testResults) {
  for (const test of file.assertionResults) {
    if (test.status === "skipped" || test.status === "pending") console.log(`skipped: ${test.fullName}`);
  }
}
console.log(`${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`);
if (results.numTotalTests === 0 || results.numPassedTests === 0) {
  console.error("test-summary: no test ran");
  process.exit(1);
}
process.exit(results.numFailedTests > 0 || !results.success ? 1 : 0);
