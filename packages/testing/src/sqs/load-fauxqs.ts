import { isBuiltin, register } from "node:module";

// fauxqs imports `node:sqlite` (Node 22.5+) at load time, for a persistence mode we never use. On Node 20 a resolve
// hook answers that import with a stub that only fails if someone actually turns persistence on.
const SQLITE_STUB_HOOKS = `
export async function resolve(specifier, context, next) {
  if (specifier === "node:sqlite") {
    return { shortCircuit: true, url: "data:text/javascript,export class DatabaseSync { constructor() {" +
      " throw new Error('fauxqs persistence needs node:sqlite (Node 22.5 or later)'); } }" };
  }
  return next(specifier, context);
}`;
let sqliteStubRegistered = false;

/** fauxqs, loaded on any Node the repo supports. */
export async function loadFauxqs(): Promise<typeof import("fauxqs")> {
  if (!isBuiltin("node:sqlite") && !sqliteStubRegistered) {
    register(`data:text/javascript,${encodeURIComponent(SQLITE_STUB_HOOKS)}`);
    sqliteStubRegistered = true;
  }
  return import("fauxqs");
}

/** A fauxqs app (fastify). */
export type FauxqsApp = ReturnType<Awaited<ReturnType<typeof loadFauxqs>>["buildApp"]>;
