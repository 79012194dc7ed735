// `@workload-identity/credentials` is the one package an application installs: everything its siblings export must
// be importable from it too (types are checked by the API reports; values here).
import * as core from "@workload-identity/core";
import * as refresh from "@workload-identity/refresh";
import * as rolesAnywhere from "@workload-identity/roles-anywhere";
import * as webIdentity from "@workload-identity/web-identity";
import { describe, expect, it } from "vitest";
import * as credentials from "../src/index.js";

describe("the public API of the sibling packages", () => {
  it.each([
    ["@workload-identity/core", core],
    ["@workload-identity/refresh", refresh],
    ["@workload-identity/web-identity", webIdentity],
    ["@workload-identity/roles-anywhere", rolesAnywhere],
  ])("is exported by @workload-identity/credentials: %s", (_, sibling) => {
    const exported = credentials as Record<string, unknown>;
    const missing = Object.keys(sibling).filter((name) => !(name in exported));
    expect(missing).toEqual([]);
    for (const [name, value] of Object.entries(sibling)) {
      // The same value, not a look-alike: `instanceof` and shared state depend on it. A name the credentials package
      // defines itself for its own variables (ENV_TOKEN_FILE vs ENV_WEB_IDENTITY_TOKEN_FILE) has the same value.
      expect(exported[name], name).toBe(value);
    }
  });
});
