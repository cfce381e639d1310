/**
 * Cooperative scheduling for heavy review work on the engine's one thread, so a big request cannot
 * starve the others: work is cut into slices of a few milliseconds with a yield to the event loop
 * between them (other sockets' requests are read and answered in between), and heavy requests take
 * turns through a small queue so their memory does not add up.
 *
 * Why not worker threads: a page is mostly reads of a file this thread already has open plus a few
 * milliseconds of filtering, and a normal page (10–30 s) costs ~1 ms here; a worker round trip, a
 * second reader per worker and copies of the samples would cost as much as the page. Slicing bounds
 * what one request can take from the others (one slice per turn of the event loop) without that.
 */

/** Work between two yields, ms (a slice ends at the first checkpoint past it). */
export const SLICE_MS = 5;

/**
 * Background work (heavy pages, overviews) rests this many times as long as each slice ran while
 * interactive requests are being served, so it takes at most a quarter of the thread then and the
 * CPU it leaves goes to them, even on a machine whose other jobs already take most of it. Alone,
 * it runs at full speed.
 */
export const BACKGROUND_REST_RATIO = 3;

/**
 * Yields to the event loop once a slice of work has run for `sliceMs`; a short task never yields.
 * With a rest ratio (a number, or a function asked at each yield), it then also rests: a timer of
 * ratio × the slice's duration, so it runs at most 1 / (1 + ratio) of the time.
 */
export class Slicer {
  private sliceStart = performance.now();

  constructor(
    private readonly restRatio: number | (() => number) = 0,
    private readonly sliceMs = SLICE_MS,
  ) {}

  /** Call between units of work (a chunk of records, a channel's filter chunk). */
  async checkpoint(): Promise<void> {
    const ranMs = performance.now() - this.sliceStart;
    if (ranMs < this.sliceMs) return;
    const ratio = typeof this.restRatio === 'function' ? this.restRatio() : this.restRatio;
    if (ratio > 0) await new Promise((resolve) => setTimeout(resolve, ranMs * ratio));
    else await new Promise((resolve) => setImmediate(resolve));
    this.sliceStart = performance.now();
  }
}

/**
 * When interactive work (a normal page) last ran, so background work knows whether to rest: it
 * gives way while others are being served within `windowMs`, and runs at full speed otherwise.
 */
export class InteractiveActivity {
  private lastAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly windowMs = 250) {}

  touch(): void {
    this.lastAt = performance.now();
  }

  /** The rest ratio for background work now. */
  readonly restRatio = (): number => (performance.now() - this.lastAt < this.windowMs ? BACKGROUND_REST_RATIO : 0);
}

/**
 * Runs tasks at most `capacity` at a time, first come first served; the others wait without
 * holding memory. Used so heavy pages do not run side by side (each holds up to a page budget).
 */
export class WorkQueue {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly capacity = 1) {}

  /** Tasks waiting for their turn (not counting those running). */
  get pending(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.capacity) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next task (running stays the same), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
