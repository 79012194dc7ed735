// What a published tarball must and must not hold.
import { execFileSync } from "node:child_process";
import { posix } from "node:path";

const REQUIRED = ["package/package.json", "package/README.md", "package/LICENSE", "package/CHANGELOG.md"];
const TEST_FILE = /(?:\.test\.|\.spec\.|\/test\/|\/__tests__\/)/;
const PNPM_SPECIFIER = /^(?:catalog|workspace):/;
// Relative specifiers in built JavaScript and declarations: `from "./x"`, `import("./x")`, `require("./x")`.
const RELATIVE_SPECIFIER = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g;

interface Manifest {
  main?: string;
  module?: string;
  types?: string;
  bin?: string | Record<string, string>;
  exports?: unknown;
  [field: string]: unknown;
}

const read = (tarball: string, file: string): string => execFileSync("tar", ["-xzOf", tarball, file], { encoding: "utf8" });

/** Every path named by the manifest's entry points (`main`, `module`, `types`, `bin`, `exports`). */
function entryPoints(manifest: Manifest): string[] {
  const found: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === "string") found.push(value);
    else if (value !== null && typeof value === "object") Object.values(value).forEach(collect);
  };
  collect([manifest.main, manifest.module, manifest.types, manifest.bin, manifest.exports]);
  return found.filter((path) => path.startsWith("./") || !path.startsWith(".")).map((path) => posix.join("package", path));
}

/** The files reachable from the entry points through relative imports; everything else under `dist` is dead. */
function reachable(tarball: string, files: ReadonlySet<string>, entries: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = entries.filter((entry) => files.has(entry));
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!/\.(?:[cm]?js|d\.[cm]?ts)$/.test(file)) continue;
    for (const match of read(tarball, file).matchAll(RELATIVE_SPECIFIER)) {
      const target = posix.join(posix.dirname(file), match[1] ?? "");
      const candidates = [target, `${target}.mjs`, `${target}.cjs`, `${target}.js`, target.replace(/\.[cm]?js$/, ".d.mts"), target.replace(/\.[cm]?js$/, ".d.cts")];
      for (const candidate of candidates) if (files.has(candidate)) queue.push(candidate);
    }
  }
  return seen;
}

/** The problems of one packed tarball: unrewritten specifiers, test files, dead build files, missing files. */
export function inspectTarball(tarball: string): string[] {
  const files = new Set(execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n").filter(Boolean));
  const manifest = JSON.parse(read(tarball, "package/package.json")) as Manifest;
  const problems: string[] = [];
  for (const required of REQUIRED) if (!files.has(required)) problems.push(`the tarball has no ${required.slice(8)}`);
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const [name, spec] of Object.entries((manifest[field] ?? {}) as Record<string, string>)) {
      if (PNPM_SPECIFIER.test(spec)) problems.push(`${field}.${name} is "${spec}", a pnpm-only specifier`);
    }
  }
  for (const file of files) if (TEST_FILE.test(file)) problems.push(`ships a test file: ${file.slice(8)}`);
  const live = reachable(tarball, files, entryPoints(manifest));
  for (const file of files) {
    if (file.startsWith("package/dist/") && !live.has(file)) problems.push(`ships a build file no entry point reaches: ${file.slice(8)}`);
  }
  for (const entry of entryPoints(manifest)) if (!files.has(entry)) problems.push(`an entry point is missing: ${entry.slice(8)}`);
  return problems;
}
