import { createHash } from "node:crypto";
import type { PKCS11 } from "pkcs11js";
import { Pkcs11Error } from "./errors.js";
import { type Pkcs11Binding, loadPkcs11Binding } from "./pkcs11-binding.js";
import { formatPkcs11Uri, type Pkcs11Uri } from "./pkcs11-uri.js";

// One visit to a token: load the module, initialise it, find the one token the URI names, open a session, log in,
// let the caller find objects and sign, then log out, close and finalise. Visits to one module are serialised: a
// module is initialised once per process, and one visit's C_Finalize would end another's sessions.

/** An open, logged-in session on the token the URI selected. */
export interface TokenSession {
  readonly binding: Pkcs11Binding;
  readonly module: PKCS11;
  readonly session: Buffer;
  /** The token's label, for messages. */
  readonly tokenLabel: string;
  /** The user PIN the session logged in with, for a key that asks for it again (CKA_ALWAYS_AUTHENTICATE). */
  readonly pin: string | undefined;
}

/** What {@link withTokenSession} needs. */
export interface TokenVisit {
  readonly modulePath: string;
  /** The URI whose token attributes select the slot. */
  readonly uri: Pkcs11Uri;
  readonly pin: string | undefined;
  /** The deadline of the whole visit (waiting for another visit included). */
  readonly timeoutMs: number;
}

/** The default module, as AWS's helper: p11-kit's proxy, which offers every token p11-kit is configured with. */
export const DEFAULT_PKCS11_MODULE = "p11-kit-proxy.so";

const visits = new Map<string, Promise<unknown>>();
/**
 * PINs a token refused, per module and token, as SHA-256 digests: tried again at every refresh and retry, the same
 * wrong PIN would lock the token after a few tries (smart cards lock at three). A changed PIN is tried.
 */
const refusedPins = new Set<string>();

/**
 * Runs `use` in a logged-in session on the URI's token, within `timeoutMs`. Cryptoki calls other than signing are
 * synchronous in the binding: a token that hangs in one of them holds this thread; the deadline still rejects as soon
 * as control comes back, and bounds the asynchronous signature.
 * @throws Pkcs11Error
 */
export function withTokenSession<T>(visit: TokenVisit, use: (session: TokenSession) => Promise<T>): Promise<T> {
  const hungSince = hung.get(visit.modulePath);
  if (hungSince !== undefined) return Promise.reject(stillHung(visit, hungSince));
  const previous = visits.get(visit.modulePath) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => visitToken(visit, use));
  const settled = run.catch(() => undefined);
  visits.set(visit.modulePath, settled);
  void settled.then(() => {
    hung.delete(visit.modulePath);
    if (visits.get(visit.modulePath) === settled) visits.delete(visit.modulePath);
  });
  return withDeadline(run, visit, () => {
    if (!hung.has(visit.modulePath)) hung.set(visit.modulePath, new Date());
  });
}

/** A visit that outlived its deadline and has not returned yet, by module: later visits would only queue behind it. */
const hung = new Map<string, Date>();

function stillHung(visit: TokenVisit, since: Date): Pkcs11Error {
  return new Pkcs11Error(
    "ROLES_ANYWHERE_PKCS11_TIMEOUT",
    `A visit to the PKCS#11 token (module ${visit.modulePath}) has not returned since ${since.toISOString()}, so this ` +
      "one is not queued behind it. Check the token (connected, not busy); if it does not recover, restart the process.",
  );
}

async function visitToken<T>(visit: TokenVisit, use: (session: TokenSession) => Promise<T>): Promise<T> {
  const binding = await loadPkcs11Binding();
  const module = new binding.PKCS11();
  try {
    module.load(visit.modulePath);
  } catch (error) {
    throw new Pkcs11Error(
      "ROLES_ANYWHERE_PKCS11_MODULE_NOT_LOADABLE",
      `Cannot load the PKCS#11 module ${visit.modulePath}. Give the path of your token's module (module-path in the ` +
        `URI, the pkcs11 modulePath option, or --pkcs11-lib), e.g. /usr/lib/softhsm/libsofthsm2.so; the default is ` +
        `p11-kit's proxy (${DEFAULT_PKCS11_MODULE}, Debian package p11-kit-modules).`,
      { cause: error },
    );
  }
  let finalize = true;
  try {
    finalize = initialize(module, visit.modulePath);
    const slot = findSlot(binding, module, visit.uri);
    const session = call(() => module.C_OpenSession(slot.handle, binding.CKF_SERIAL_SESSION), "open a session on", slot.label);
    try {
      logIn(binding, module, session, visit, slot);
      return await use({ binding, module, session, tokenLabel: slot.label, pin: visit.pin });
    } finally {
      ignoreFailure(() => module.C_Logout(session));
      ignoreFailure(() => module.C_CloseSession(session));
    }
  } finally {
    if (finalize) ignoreFailure(() => module.C_Finalize());
    ignoreFailure(() => module.close());
  }
}

/** Initialises the module; `false` when something else in this process already had (and will finalise it). */
function initialize(module: PKCS11, modulePath: string): boolean {
  try {
    module.C_Initialize();
    return true;
  } catch (error) {
    if (returnValueOf(error) === "CKR_CRYPTOKI_ALREADY_INITIALIZED") return false;
    throw new Pkcs11Error(
      "ROLES_ANYWHERE_PKCS11_MODULE_NOT_LOADABLE",
      `The PKCS#11 module ${modulePath} loaded but failed to initialise (${returnValueOf(error) ?? "error"}). ` +
        "Check the module's own configuration (for SoftHSM2, SOFTHSM2_CONF and its token directory's permissions).",
      { cause: error, ...returnValueOption(error) },
    );
  }
}

interface Slot {
  readonly handle: Buffer;
  readonly label: string;
  readonly loginRequired: boolean;
}

function findSlot(binding: Pkcs11Binding, module: PKCS11, uri: Pkcs11Uri): Slot {
  const slots = call(() => module.C_GetSlotList(true), "list the slots of", "the module");
  const seen: string[] = [];
  const matches: Slot[] = [];
  for (const handle of slots) {
    const token = call(() => module.C_GetTokenInfo(handle), "read the token information of", "a slot");
    const slot = call(() => module.C_GetSlotInfo(handle), "read the slot information of", "a slot");
    const values: Record<string, string> = {
      token: token.label.trim(),
      manufacturer: token.manufacturerID.trim(),
      model: token.model.trim(),
      serial: token.serialNumber.trim(),
      "slot-description": slot.slotDescription.trim(),
      "slot-manufacturer": slot.manufacturerID.trim(),
      "slot-id": slotIdOf(handle),
    };
    seen.push(`"${values.token}" (serial ${values.serial}, slot-id ${values["slot-id"]})`);
    // library-* attributes describe the module, which module-path already chose.
    const wanted = Object.entries(uri.token).filter(([name]) => !name.startsWith("library-"));
    if (wanted.every(([name, value]) => values[name] === value)) {
      matches.push({ handle, label: values.token ?? "", loginRequired: (token.flags & binding.CKF_LOGIN_REQUIRED) !== 0 });
    }
  }
  const [match] = matches;
  if (match !== undefined && matches.length === 1) return match;
  const found = seen.length === 0 ? "no token at all" : `the tokens ${seen.join(", ")}`;
  if (matches.length === 0) {
    throw new Pkcs11Error(
      "ROLES_ANYWHERE_PKCS11_TOKEN_NOT_FOUND",
      `No token matches ${formatPkcs11Uri(uri)}; the module offers ${found}. Check the token= (label) or serial= ` +
        "attribute, and that the module is the token's.",
    );
  }
  throw new Pkcs11Error(
    "ROLES_ANYWHERE_PKCS11_AMBIGUOUS",
    `${matches.length} tokens match ${formatPkcs11Uri(uri)} among ${found}. Name one with token= or serial=.`,
  );
}

function logIn(
  binding: Pkcs11Binding,
  module: PKCS11,
  session: Buffer,
  { pin, modulePath }: Pick<TokenVisit, "pin" | "modulePath">,
  slot: Slot,
): void {
  if (pin === undefined) {
    if (!slot.loginRequired) return;
    throw new Pkcs11Error(
      "ROLES_ANYWHERE_PKCS11_PIN_REQUIRED",
      `The token "${slot.label}" needs its user PIN to use a private key. Give it with pin-source in the URI, the ` +
        "pkcs11 pin option, or with the CLI --pkcs11-pin-file or AWS_ROLES_ANYWHERE_PKCS11_PIN.",
    );
  }
  const refusal = `${modulePath}\0${slot.label}\0${createHash("sha256").update(pin).digest("hex")}`;
  if (refusedPins.has(refusal)) {
    throw new Pkcs11Error(
      "ROLES_ANYWHERE_PKCS11_PIN_INCORRECT",
      `The token "${slot.label}" refused this PIN before; it is not tried again, so that retries cannot lock the ` +
        "token. Give the token's user PIN (a changed PIN file or variable is read at the next refresh).",
    );
  }
  try {
    module.C_Login(session, binding.CKU_USER, pin);
  } catch (error) {
    const returnValue = returnValueOf(error);
    if (returnValue === "CKR_USER_ALREADY_LOGGED_IN") return;
    const incorrect = returnValue === "CKR_PIN_INCORRECT" || returnValue === "CKR_PIN_LEN_RANGE";
    if (incorrect) refusedPins.add(refusal);
    throw new Pkcs11Error(
      incorrect ? "ROLES_ANYWHERE_PKCS11_PIN_INCORRECT" : "ROLES_ANYWHERE_PKCS11_FAILED",
      incorrect
        ? `The token "${slot.label}" refused the PIN (${returnValue}). Give the token's user PIN (not the SO PIN); ` +
            "each wrong try counts towards locking the token."
        : `Cannot log in to the token "${slot.label}" (${returnValue ?? "error"}).` +
            (returnValue === "CKR_PIN_LOCKED" ? " The PIN is locked: the token's security officer must unlock it." : ""),
      { cause: error, ...returnValueOption(error) },
    );
  }
}

/** Runs a Cryptoki call; a failure becomes a `ROLES_ANYWHERE_PKCS11_FAILED` naming what was being done. */
export function call<T>(operation: () => T, what: string, on: string): T {
  try {
    return operation();
  } catch (error) {
    throw new Pkcs11Error(
      "ROLES_ANYWHERE_PKCS11_FAILED",
      `Cannot ${what} ${on} (${returnValueOf(error) ?? "error"}).`,
      { cause: error, ...returnValueOption(error) },
    );
  }
}

/** `CKR_…` from a pkcs11js error. */
export function returnValueOf(error: unknown): string | undefined {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === "string" && /^CKR_\w+$/.test(message) ? message : undefined;
}

export function returnValueOption(error: unknown): { returnValue?: string } {
  const returnValue = returnValueOf(error);
  return returnValue === undefined ? {} : { returnValue };
}

function slotIdOf(handle: Buffer): string {
  return handle.length >= 8 ? handle.readBigUInt64LE(0).toString() : handle.length >= 4 ? String(handle.readUInt32LE(0)) : "?";
}

function ignoreFailure(operation: () => void): void {
  try {
    operation();
  } catch {
    // Cleaning up after a visit: the session or module may already be gone.
  }
}

function withDeadline<T>(run: Promise<T>, visit: TokenVisit, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(
        new Pkcs11Error(
          "ROLES_ANYWHERE_PKCS11_TIMEOUT",
          `The PKCS#11 token (module ${visit.modulePath}) did not finish within ${visit.timeoutMs} ms. Check that the ` +
            "token is connected and not busy; while this visit has not returned, the next ones fail at once.",
        ),
      );
    }, visit.timeoutMs);
    timer.unref?.();
  });
  return Promise.race([run, timeout]).finally(() => clearTimeout(timer));
}
