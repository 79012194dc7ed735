// A clock that moves only when told to, with one-shot timers on it. It is `withRefresh`'s `now` and `setTimer` in
// the fleet simulator and in the tests that need a deadline to fire without waiting for it.

interface Timer {
  readonly at: number;
  /** Breaks ties between timers due at the same instant: first armed, first fired. */
  readonly order: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/** Virtual time in milliseconds since the epoch, and timers that fire as it is advanced. */
export class VirtualClock {
  #now: number;
  #armed = 0;
  #fired = 0;
  /** A binary min-heap on (at, order). */
  readonly #heap: Timer[] = [];

  constructor(start: number) {
    this.#now = start;
  }

  /** The current virtual time; bound, so it can be passed as `now`. */
  readonly now = (): number => this.#now;

  /** Arms a timer `delayMs` from now and returns its cancel function; bound, so it can be passed as `setTimer`. */
  readonly setTimer = (callback: () => void, delayMs: number): (() => void) => {
    const timer: Timer = { at: this.#now + Math.max(0, delayMs), order: this.#armed, callback, cancelled: false };
    this.#armed += 1;
    this.#push(timer);
    return () => {
      timer.cancelled = true;
    };
  };

  /** How many timers have fired so far; a change tells a caller that callbacks ran since it last looked. */
  get fired(): number {
    return this.#fired;
  }

  /** When the next live timer is due, or `Infinity`. */
  nextTimerAt(): number {
    this.#dropCancelled();
    return this.#heap[0]?.at ?? Number.POSITIVE_INFINITY;
  }

  /** Moves to the next live timer's time and fires it; false when none is armed. */
  fireNext(): boolean {
    this.#dropCancelled();
    const timer = this.#pop();
    if (timer === undefined) return false;
    this.#now = Math.max(this.#now, timer.at);
    this.#fired += 1;
    timer.callback();
    return true;
  }

  /** Moves to `time` (never backwards) without firing anything; the caller has fired the timers due before it. */
  set(time: number): void {
    if (time > this.#now) this.#now = time;
  }

  /** Moves `ms` forward, firing every timer due on the way at its own time, in order. Synchronous. */
  advance(ms: number): void {
    const target = this.#now + ms;
    while (this.nextTimerAt() <= target) this.fireNext();
    this.set(target);
  }

  #dropCancelled(): void {
    while (this.#heap[0]?.cancelled === true) this.#pop();
  }

  #push(timer: Timer): void {
    const heap = this.#heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const up = heap[parent] as Timer;
      if (!before(timer, up)) break;
      heap[i] = up;
      i = parent;
    }
    heap[i] = timer;
  }

  #pop(): Timer | undefined {
    const heap = this.#heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && before(heap[right] as Timer, heap[left] as Timer) ? right : left;
      if (!before(heap[child] as Timer, last)) break;
      heap[i] = heap[child] as Timer;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}
