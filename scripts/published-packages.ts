// The packages that are published: every packages/* whose manifest is not private. One list for every release script.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Manifest {
  readonly name: string;
  readonly private?: boolean;
  readonly dependencies?: Record<string, string>;
}

/** A published package: its name and folder. */
export interface PublishedPackage {
  readonly name: string;
  readonly dir: string;
}

/** Each published package, in dependency order (a package after what it depends on): the order to publish in. */
export function publishedPackages(): PublishedPackage[] {
  const packages = readdirSync(join(REPO_ROOT, "packages"))
    .map((folder) => {
      const dir = join(REPO_ROOT, "packages", folder);
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
      return { name: manifest.name, dir, manifest };
    })
    .filter((pkg) => pkg.manifest.private !== true);
  const names = new Set(packages.map((pkg) => pkg.name));
  const ordered: typeof packages = [];
  const visit = (pkg: (typeof packages)[number]): void => {
    if (ordered.includes(pkg)) return;
    for (const dependency of Object.keys(pkg.manifest.dependencies ?? {})) {
      const sibling = names.has(dependency) ? packages.find((candidate) => candidate.name === dependency) : undefined;
      if (sibling !== undefined) visit(sibling);
    }
    ordered.push(pkg);
  };
  packages.forEach(visit);
  return ordered.map(({ name, dir }) => ({ name, dir }));
}
