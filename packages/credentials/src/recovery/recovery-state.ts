// One recovery per refused credential set, whatever the number of requests, clients and plugins that saw it refused:
// the state lives in the process-wide store, by access key id (not a secret).
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@aws-sdk/types";

/** What recovering a client from a refused credential set came to. */
export type RecoveryOutcome =
  /** The client's provider now hands out other credentials: the request may be sent again. */
  | { readonly kind: "replaced" }
  /** A forced refresh returned the refused credentials again: the refusal stands. */
  | { readonly kind: "unchanged" }
  /** The forced refresh failed; the refusal stands (the cache reports the failure through its own events). */
  | { readonly kind: "refresh-failed"; readonly error: unknown }
  /** The provider was forced to refresh less than `minRefreshIntervalMs` ago: not again so soon. */
  | { readonly kind: "too-soon" };

interface Recovery {
  readonly outcome: Promise<RecoveryOutcome>;
  /**
   * Set once the outcome is worth deciding again at the next refusal (the refresh failed, or came too soon): whether a
   * refresh is forced then is up to the provider's last forced refresh and `minRefreshIntervalMs`.
   */
  retryable: boolean;
}

/** One refused credential set. */
interface RefusedSet {
  /** Per client credentials provider, its recovery from this refusal. */
  readonly byProvider: WeakMap<object, Recovery>;
  /** The first recovery started for this set, by whichever client: the others wait for it before deciding. */
  first: Promise<RecoveryOutcome> | undefined;
}

interface Store {
  readonly refused: Map<string, RefusedSet>;
  /** When each provider was last forced to refresh by a recovery. */
  readonly lastForcedAt: WeakMap<object, number>;
}

/** What one recovery needs. */
export interface RecoveryDeps {
  /** The provider the client signs with (its resolved `credentials`); forcing it refreshes what the client uses. */
  readonly provider: AwsCredentialIdentityProvider;
  readonly minRefreshIntervalMs: number;
  readonly now: () => number;
  /** Called when this recovery is the one that forces the refresh. */
  readonly onForced: () => void;
}

/** How many refused sets are remembered; older ones are forgotten first. */
const REMEMBERED_SETS = 64;

const STORE_KEY = Symbol.for("@workload-identity/credentials.recovery");

/** The process-wide store, shared by the ESM and CJS builds. */
function store(): Store {
  const holder = globalThis as unknown as Record<symbol, Store | undefined>;
  return (holder[STORE_KEY] ??= { refused: new Map(), lastForcedAt: new WeakMap() });
}

/** Forgets every refused set and forced refresh. For tests. */
export function clearRecoveryState(): void {
  const holder = globalThis as unknown as Record<symbol, Store | undefined>;
  holder[STORE_KEY] = undefined;
}

async function recoverProvider(refused: AwsCredentialIdentity, deps: RecoveryDeps, before: Promise<unknown> | undefined): Promise<RecoveryOutcome> {
  // Another client's recovery of the same set may be refreshing the very cache this client uses: let it finish first.
  await before;
  const { provider } = deps;
  if ((await provider()).accessKeyId !== refused.accessKeyId) return { kind: "replaced" };
  const { lastForcedAt } = store();
  const at = deps.now();
  const last = lastForcedAt.get(provider);
  if (last !== undefined && at - last < deps.minRefreshIntervalMs) return { kind: "too-soon" };
  lastForcedAt.set(provider, at);
  deps.onForced();
  const fresh = await provider({ forceRefresh: true });
  return fresh.accessKeyId === refused.accessKeyId ? { kind: "unchanged" } : { kind: "replaced" };
}

function refusedSet(accessKeyId: string): RefusedSet {
  const { refused } = store();
  let set = refused.get(accessKeyId);
  if (set === undefined) {
    set = { byProvider: new WeakMap(), first: undefined };
    refused.set(accessKeyId, set);
    if (refused.size > REMEMBERED_SETS) {
      const oldest = refused.keys().next();
      if (oldest.done !== true) refused.delete(oldest.value);
    }
  }
  return set;
}

/**
 * Recovers the client whose provider is `deps.provider` from the refusal of `refused`. The first caller for a
 * provider and a set starts it, every later one (concurrent or not) shares its outcome; a forced refresh happens only
 * when the provider still hands out the refused set, and at most once per `minRefreshIntervalMs` per provider.
 */
export function recover(refused: AwsCredentialIdentity, deps: RecoveryDeps): Promise<RecoveryOutcome> {
  const set = refusedSet(refused.accessKeyId);
  const existing = set.byProvider.get(deps.provider);
  if (existing !== undefined && !existing.retryable) return existing.outcome;
  const recovery: Recovery = {
    retryable: false,
    outcome: recoverProvider(refused, deps, set.first).then(
      (outcome) => {
        recovery.retryable = outcome.kind === "too-soon";
        return outcome;
      },
      (error: unknown): RecoveryOutcome => {
        recovery.retryable = true;
        return { kind: "refresh-failed", error };
      },
    ),
  };
  set.byProvider.set(deps.provider, recovery);
  set.first ??= recovery.outcome;
  return recovery.outcome;
}
