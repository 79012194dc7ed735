// `pnpm bench`: runs every `bench/*.bench.ts` in turn (or those whose name contains argv[2]) and prints their figures.
// Each bench file exports `run(): Promise<void>` and prints its own section. Benchmarks are measurements, not tests.
import { readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const filter = process.argv[2];
const files = readdirSync(here)
  .filter((name) => name.endsWith(".bench.ts") && (filter === undefined || name.includes(filter)))
  .sort();

console.log(`node ${process.version} on ${process.platform}/${process.arch}; ${new Date().toISOString()}`);
for (const file of files) {
  const module = (await import(pathToFileURL(`${here}${file}`).href)) as { run: () => Promise<void> };
  console.log(`\n## ${file.replace(/\.bench\.ts$/, "")}\n`);
  await module.run();
}
