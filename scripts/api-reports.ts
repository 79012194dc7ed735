// Checks each published package's exported API (its built declarations) against the report committed in
// `packages/NAME/api/NAME.api.md`, and fails on any difference; `--update` rewrites the reports instead. Run after
// `pnpm build`. A change to what users import is then a visible, deliberate diff of those files.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Extractor, ExtractorConfig } from "@microsoft/api-extractor";
import { publishedPackages } from "./published-packages.ts";

const update = process.argv.includes("--update");
let failed = 0;
for (const { name, dir } of publishedPackages()) {
  // A package of commands only (the CLI) exports no API.
  if (!existsSync(join(dir, "api-extractor.json"))) continue;
  const config = ExtractorConfig.loadFileAndPrepare(join(dir, "api-extractor.json"));
  const messages: string[] = [];
  const result = Extractor.invoke(config, {
    localBuild: update,
    messageCallback: (message) => {
      // `console-*` messages narrate the report itself (written, changed); the result says that already.
      const narration = message.messageId.startsWith("console-");
      if (!narration && (message.logLevel === "warning" || message.logLevel === "error")) messages.push(message.text);
      message.handled = true;
    },
  });
  if (messages.length === 0 && (result.succeeded || (update && result.apiReportChanged))) {
    console.log(`api: ${name} ${result.apiReportChanged ? "report updated" : "matches its report"}`);
    continue;
  }
  failed += 1;
  if (result.apiReportChanged) {
    messages.push(
      `see: git diff --no-index ${config.reportFilePath} ${config.reportTempFilePath}`,
      "If the change is deliberate, run `pnpm api:update` and commit the report.",
    );
  }
  const what = result.apiReportChanged ? "differs from its committed report" : "has API problems";
  console.error(`api: ${name} ${what}:\n  ${messages.join("\n  ")}\n`);
}
process.exit(failed === 0 ? 0 : 1);
