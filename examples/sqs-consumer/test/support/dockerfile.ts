import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { REPO_ROOT } from "./manifests.js";

/** A Dockerfile's instructions, continuation lines joined, comments and blank lines left out. */
export function dockerInstructions(dockerfile: string): string[] {
  return readFileSync(`${REPO_ROOT}${dockerfile}`, "utf8")
    .replace(/\\\n/g, " ")
    .split("\n")
    .filter((line) => /^[A-Z]+\s/.test(line))
    .map((line) => line.replace(/\s+/g, " ").trim());
}

/** The instructions of the last stage (from its FROM on). */
export function finalStage(instructions: readonly string[]): string[] {
  const from = instructions.map((line, index) => (line.startsWith("FROM ") ? index : -1)).filter((i) => i !== -1).at(-1) ?? 0;
  return instructions.slice(from);
}

/** The sources of the COPY instructions that read the build context (not `--from=` a stage). */
export function copySources(instructions: readonly string[]): string[] {
  return instructions
    .filter((line) => line.startsWith("COPY ") && !line.includes("--from="))
    .flatMap((line) => line.split(" ").slice(1, -1).filter((word) => !word.startsWith("--")))
    .map((source) => source.replace(/\/$/, ""));
}

function patternToRegExp(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i] ?? "";
    if (pattern.startsWith("**/", i)) {
      source += "(?:.*/)?";
      i += 2;
    } else if (pattern.startsWith("**", i)) {
      source += ".*";
      i += 1;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/**
 * Whether the ignore file's rules leave `path` (relative to the context root) out, as Docker and podman read them:
 * the last rule that matches the path or one of its parent directories decides; `!` brings a path back.
 */
export function isIgnored(path: string, rules: readonly string[]): boolean {
  const candidates = path.split("/").map((_, index, parts) => parts.slice(0, index + 1).join("/"));
  let ignored = false;
  for (const rule of rules) {
    const negated = rule.startsWith("!");
    const pattern = (negated ? rule.slice(1) : rule).replace(/^\/+/, "").replace(/\/+$/, "");
    const regExp = patternToRegExp(pattern);
    if (candidates.some((candidate) => regExp.test(candidate))) ignored = !negated;
  }
  return ignored;
}

/** The rules of an ignore file. */
export function ignoreRules(file: string): string[] {
  return readFileSync(`${REPO_ROOT}${file}`, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/** The files a build from the repository root sends as its context (those git tracks or would track). */
export function buildContext(ignoreFile: string): string[] {
  const rules = ignoreRules(ignoreFile);
  const tracked = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: REPO_ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
  return tracked.filter((path) => !isIgnored(path, rules));
}
