/** What an emulator received: the calls that count, as they arrived, and the record of each answered one. */
export interface CallLog<C> {
  /** Every call recorded, in order. */
  readonly calls: C[];
  /** Calls that arrived, answered or not: a call the server hangs on counts from its arrival. */
  readonly arrivals: number;
  /** Counts a call at its arrival. */
  arrive(): void;
  /** Keeps a call's record (a record may be filled in after it is kept). */
  record(call: C): void;
}

/** An empty call log. */
export function createCallLog<C>(): CallLog<C> {
  const calls: C[] = [];
  let arrivals = 0;
  return {
    calls,
    get arrivals() {
      return arrivals;
    },
    arrive() {
      arrivals += 1;
    },
    record(call) {
      calls.push(call);
    },
  };
}
