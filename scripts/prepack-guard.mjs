// `prepack` of every published package: refuses to pack a manifest that still holds pnpm's `catalog:` or `workspace:`
// specifiers. `pnpm pack` and `pnpm publish` rewrite them into real ranges after this runs; `npm pack` and
// `npm publish` do not, and would ship a package nobody can install.
import { existsSync, readFileSync } from "node:fs";

const manifest = JSON.parse(readFileSync("package.json", "utf8"));
const packedByPnpm = (process.env.npm_config_user_agent ?? "").startsWith("pnpm/");
const unresolved = ["dependencies", "peerDependencies", "optionalDependencies"].flatMap((field) =>
  Object.entries(manifest[field] ?? {})
    .filter(([, spec]) => /^(catalog|workspace):/.test(String(spec)))
    .map(([name, spec]) => `${field}.${name}: ${spec}`),
);
const problems = [];
if (unresolved.length > 0 && !packedByPnpm) {
  problems.push(
    `${manifest.name} has pnpm-only specifiers that only pnpm rewrites when packing:\n  ${unresolved.join("\n  ")}\n` +
      "Pack and publish with pnpm (see docs/releasing.md), never with npm.",
  );
}
if (!existsSync("LICENSE")) problems.push(`${manifest.name} has no LICENSE file to ship.`);
// Built: every file the manifest points at (its library entry, its commands) exists.
const entryFiles = [manifest.main, ...Object.values(manifest.bin ?? {})].filter((file) => typeof file === "string");
if (entryFiles.length === 0 || entryFiles.some((file) => !existsSync(file))) {
  problems.push(`${manifest.name} is not built: run pnpm build first.`);
}
if (problems.length > 0) {
  console.error(`prepack: ${problems.join("\n")}`);
  process.exit(1);
}
