import type * as Pkcs11js from "pkcs11js";
import { Pkcs11Error } from "./errors.js";

// pkcs11js is an optional peer dependency: a native addon that only users of keys in a token install. It is loaded
// here, on the first PKCS#11 URI, never at import.

/** The binding's module: the PKCS11 class and the Cryptoki constants. */
export type Pkcs11Binding = typeof Pkcs11js;

let loading: Promise<Pkcs11Binding> | undefined;

/**
 * Loads `pkcs11js` once per process.
 * @throws Pkcs11Error `ROLES_ANYWHERE_PKCS11_UNAVAILABLE` saying what to install when it is missing or not built
 */
export function loadPkcs11Binding(): Promise<Pkcs11Binding> {
  loading ??= import("pkcs11js").then(
    (module: Pkcs11Binding & { default?: Pkcs11Binding }) => module.default ?? module,
    (error: unknown) => {
      loading = undefined;
      throw new Pkcs11Error(
        "ROLES_ANYWHERE_PKCS11_UNAVAILABLE",
        "A PKCS#11 URI was given, but the optional package pkcs11js cannot be loaded " +
          `(${(error as { code?: string }).code ?? "load error"}). Install it beside @workload-identity/roles-anywhere ` +
          "(`npm install pkcs11js`); it compiles a native addon, so allow its install script: npm 11 asks for " +
          "`npm install-scripts approve pkcs11js` (for a global CLI: `npm install -g --allow-scripts=pkcs11js pkcs11js`), " +
          "pnpm for `onlyBuiltDependencies: [pkcs11js]`.",
        { cause: error },
      );
    },
  );
  return loading;
}
