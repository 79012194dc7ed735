import { RolesAnywhereError } from "./service-error.js";
import type { RolesAnywhereFault } from "./types.js";

/** Serves a fault: `delay` waits and lets the call go on; the others are the error to answer instead. */
export async function applyFault(fault: RolesAnywhereFault | undefined): Promise<RolesAnywhereError | undefined> {
  switch (fault?.kind) {
    case "delay":
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      return undefined;
    case "http-500":
      return new RolesAnywhereError(500, "InternalServerException", "Internal failure (injected by the test).");
    case "access-denied":
      return new RolesAnywhereError(403, "AccessDeniedException", "Access denied (injected by the test).");
    default:
      return undefined;
  }
}
