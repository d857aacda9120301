import { constants, PerformanceObserver } from 'node:perf_hooks';

/** Garbage collection of one isolate (thread) since the previous `take()`. */
export interface GcStats {
  /** Time that isolate's JavaScript was paused for GC (concurrent marking on helper threads not included). */
  readonly pauseMs: number;
  /** Full (mark-compact) collections: a few per minute is normal; several per second means the heap limit is too tight. */
  readonly fullGcs: number;
}

/**
 * Counts the GC pauses of the isolate it is created in (the model worker creates one), from
 * Node's `gc` performance entries. Entries arrive asynchronously, so a `take()` may miss the
 * last few milliseconds; they are counted in the next one.
 */
export class GcAccount {
  private pauseMs = 0;
  private fullGcs = 0;
  private readonly observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      this.pauseMs += entry.duration;
      if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) this.fullGcs++;
    }
  });

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  /** Counts since the previous call (or creation), then resets them. */
  take(): GcStats {
    const stats = { pauseMs: this.pauseMs, fullGcs: this.fullGcs };
    this.pauseMs = 0;
    this.fullGcs = 0;
    return stats;
  }

  stop(): void {
    this.observer.disconnect();
  }
}

/** Adds two GC counts (the adapter sums what each batch's response carried). */
export function addGcStats(a: GcStats, b: GcStats): GcStats {
  return { pauseMs: a.pauseMs + b.pauseMs, fullGcs: a.fullGcs + b.fullGcs };
}
