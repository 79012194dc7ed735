// Counting the copies of SDK packages npm laid out in a project.
import { execFileSync } from "node:child_process";

const SDK_PACKAGE = /(?:^|\/)node_modules\/(@(?:aws-sdk|smithy)\/[^/]+)$/;

/** How many copies of each `@aws-sdk/*` and `@smithy/*` package are installed in `dir` (from `npm ls --all`). */
function sdkCopies(dir: string): Map<string, number> {
  const paths = execFileSync("npm", ["ls", "--all", "--parseable"], { cwd: dir, encoding: "utf8" }).split("\n");
  const copies = new Map<string, number>();
  for (const path of paths) {
    const name = SDK_PACKAGE.exec(path.trim())?.[1];
    if (name !== undefined) copies.set(name, (copies.get(name) ?? 0) + 1);
  }
  return copies;
}

/**
 * The SDK packages with more copies in `dir` than in `baseline` (the same SDK installed alone): copies our packages
 * caused. Some SDK releases nest a second copy themselves (`@aws-crypto/*` pins an old `@smithy/util-utf8`); those
 * are the SDK's and not counted against us.
 */
export function duplicateCopies(dir: string, baseline: string): string[] {
  const ours = sdkCopies(dir);
  const theirs = sdkCopies(baseline);
  return [...ours]
    .filter(([name, count]) => count > Math.max(1, theirs.get(name) ?? 0))
    .map(([name, count]) => `${name} (${count} copies)`);
}
