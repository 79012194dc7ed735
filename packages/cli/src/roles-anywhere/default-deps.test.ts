import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { processDeps } from "./default-deps.js";

describe(processDeps.name, () => {
  it("reports the package's version", async () => {
    const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(processDeps(new Promise(() => undefined)).version).toBe(pkg.version);
  });
});
