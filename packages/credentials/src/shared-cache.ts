import { createHash } from "node:crypto";
import type { AwsCredentialIdentityProvider } from "@aws-sdk/types";
import type { SourceDecision } from "./select-source.js";
import type { SharedSourceState } from "./sources/source-state.js";

/**
 * The per-process store behind `Symbol.for`, so that an application loading both the ESM and the CJS build (or two
 * copies of this package) still shares one cache per configuration.
 */
export const SHARED_CACHE_KEY: unique symbol = Symbol.for("@workload-identity/credentials.cache") as never;

export type { SharedSourceState } from "./sources/source-state.js";

/**
 * One shared, cached provider: a decided source, or the half configuration (or invalid value) that prevents one, so
 * that it too is reported once per configuration, not once per client.
 */
export type SharedEntry = {
  readonly provider: AwsCredentialIdentityProvider;
  readonly state: SharedSourceState;
} & ({ readonly decision: SourceDecision; readonly error?: undefined } | { readonly decision?: undefined; readonly error: Error });

interface Store {
  readonly entries: Map<string, SharedEntry>;
  /** Each provider handed out, to its entry: what `explain` and `whoami` read, without deciding again. */
  handles: WeakMap<object, SharedEntry>;
  /** Identities for functions and class instances in a configuration (loggers, clients, clocks). */
  readonly ids: WeakMap<object, number>;
  nextId: number;
}

function store(): Store {
  const holder = globalThis as unknown as Record<symbol, Store | undefined>;
  let value = holder[SHARED_CACHE_KEY];
  if (value === undefined) {
    value = { entries: new Map(), handles: new WeakMap(), ids: new WeakMap(), nextId: 1 };
    holder[SHARED_CACHE_KEY] = value;
  }
  // A store made by an older copy of this package in the same process has no handles yet.
  value.handles ??= new WeakMap();
  return value;
}

function identity(object: object): string {
  const s = store();
  let id = s.ids.get(object);
  if (id === undefined) {
    id = s.nextId++;
    s.ids.set(object, id);
  }
  return `#${id}`;
}

function canonical(value: unknown): unknown {
  if (value === null || typeof value !== "object") {
    if (typeof value === "function") return identity(value);
    if (typeof value === "bigint" || typeof value === "symbol") return String(value);
    return value === undefined ? "<undefined>" : value;
  }
  if (Array.isArray(value)) return value.map(canonical);
  const prototype = Object.getPrototypeOf(value) as unknown;
  // Plain data compares by content; anything with behaviour (a client, a logger instance, a Date) by identity.
  if (prototype !== Object.prototype && prototype !== null) return identity(value);
  return Object.keys(value)
    .sort()
    .map((key) => [key, canonical((value as Record<string, unknown>)[key])]);
}

/**
 * A key for a configuration: equal plain data gives equal keys; functions and class instances compare by identity.
 * Hashed, so the store never holds a copy of anything sensitive that a configuration may contain.
 */
export function configurationKey(configuration: unknown): string {
  return createHash("sha256").update(JSON.stringify(canonical(configuration))).digest("hex");
}

/**
 * How many configurations are remembered. An app that builds a client per request with an inline logger makes a new
 * configuration each time; forgetting the least recently used ones bounds the memory. A forgotten provider keeps
 * working for whoever holds it: only its sharing with later calls ends.
 */
export const MAX_SHARED_CONFIGURATIONS = 64;

/** Returns the entry for `key`, creating it with `create` on first use. */
export function sharedEntry(key: string, create: () => SharedEntry): { entry: SharedEntry; created: boolean } {
  const { entries } = store();
  const existing = entries.get(key);
  if (existing !== undefined) {
    // Map order is insertion order: move the entry to the end, so the oldest key is the least recently used.
    entries.delete(key);
    entries.set(key, existing);
    return { entry: existing, created: false };
  }
  const entry = create();
  entries.set(key, entry);
  store().handles.set(entry.provider, entry);
  if (entries.size > MAX_SHARED_CONFIGURATIONS) {
    const oldest = entries.keys().next();
    if (oldest.done !== true) entries.delete(oldest.value);
  }
  return { entry, created: true };
}

/** The shared entry a provider came from, if it came from one; reading it changes nothing. */
export function sharedEntryOf(provider: AwsCredentialIdentityProvider): SharedEntry | undefined {
  return store().handles.get(provider);
}

/** The shared entry of a configuration if one was made; reading it changes nothing (not even its recency). */
export function peekSharedEntry(key: string): SharedEntry | undefined {
  return store().entries.get(key);
}

/** Forgets every shared provider, so the next `fromEnvironmentAware()` decides again. For tests and hot reloads. */
export function clearSharedCredentialCache(): void {
  store().entries.clear();
}
