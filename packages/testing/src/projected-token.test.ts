import { readdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createProjectedTokenDir, type ProjectedTokenDir } from "./projected-token.js";

describe(createProjectedTokenDir.name, () => {
  let projected: ProjectedTokenDir | undefined;
  afterEach(() => projected?.remove());

  it("lays the token out as the kubelet does: token -> ..data/token, ..data -> a timestamped dir", async () => {
    projected = await createProjectedTokenDir();
    await projected.write("first");
    expect(projected.tokenFile).toBe(join(projected.dir, "token"));
    expect(await readlink(projected.tokenFile)).toBe(join("..data", "token"));
    const version = await readlink(join(projected.dir, "..data"));
    expect(version).toMatch(/^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d+$/);
    expect(await readFile(projected.tokenFile, "utf8")).toBe("first");
  });

  it("swaps ..data to a new dir on write and removes the old one", async () => {
    projected = await createProjectedTokenDir();
    await projected.write("first");
    const before = await readlink(join(projected.dir, "..data"));
    await projected.write("second");
    const after = await readlink(join(projected.dir, "..data"));
    expect(after).not.toBe(before);
    expect(await readFile(projected.tokenFile, "utf8")).toBe("second");
    expect((await readdir(projected.dir)).sort()).toEqual(["..data", after, "token"].sort());
  });

  it("has no token file before the first write", async () => {
    projected = await createProjectedTokenDir();
    await expect(readFile(projected.tokenFile)).rejects.toMatchObject({ code: "ENOENT" });
  });
});
