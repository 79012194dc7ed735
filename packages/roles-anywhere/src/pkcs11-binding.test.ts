import { afterEach, describe, expect, it, vi } from "vitest";

describe("loadPkcs11Binding", () => {
  afterEach(() => {
    vi.doUnmock("pkcs11js");
    vi.resetModules();
  });

  it("says which package to install, and how to approve its build, when pkcs11js is missing", async () => {
    vi.resetModules();
    vi.doMock("pkcs11js", () => {
      throw Object.assign(new Error("Cannot find package 'pkcs11js'"), { code: "ERR_MODULE_NOT_FOUND" });
    });
    const { loadPkcs11Binding } = await import("./pkcs11-binding.js");
    const error = await loadPkcs11Binding().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "ROLES_ANYWHERE_PKCS11_UNAVAILABLE" });
    expect((error as Error).message).toMatch(/npm install pkcs11js/);
    expect((error as Error).message).toMatch(/npm install-scripts approve pkcs11js/);
    expect((error as Error).message).toMatch(/onlyBuiltDependencies/);
  });
});
