// Prints vitest's JSON results of each CI run as "LABEL: N passed, N failed, N skipped" (listing skipped tests by
// name), then the plain line CI reads, counting every run: "N passed, N failed, N skipped". Fails when any run
// failed, left no results, or ran no test, so an empty or crashed run cannot look green.
// Usage: node scripts/test-summary.mjs LABEL=RESULTS.json [LABEL=RESULTS.json ...]
import { existsSync, readFileSync } from "node:fs";

const total = { passed: 0, failed: 0, skipped: 0 };
let ok = process.argv.length > 2;
for (const argument of process.argv.slice(2)) {
  const [label, file] = argument.split("=");
  if (!existsSync(file)) {
    console.log(`${label}: no results (the run crashed)`);
    ok = false;
    continue;
  }
  const results = JSON.parse(readFileSync(file, "utf8"));
  const skipped = results.numPendingTests + results.numTodoTests;
  for (const testFile of results.testResults) {
    for (const test of testFile.assertionResults) {
      if (test.status === "skipped" || test.status === "pending") console.log(`${label}: skipped: ${test.fullName}`);
    }
  }
  console.log(`${label}: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`);
  total.passed += results.numPassedTests;
  total.failed += results.numFailedTests;
  total.skipped += skipped;
  if (results.numTotalTests === 0 || results.numPassedTests === 0) {
    console.log(`${label}: no test ran`);
    ok = false;
  }
  if (results.numFailedTests > 0 || !results.success) ok = false;
}
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(ok ? 0 : 1);
