/** The timer the collector waits with; injected so tests drive time by hand. */
export interface BatchTimer {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemBatchTimer: BatchTimer = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** One item's outcome in a batch: its value, or the error that concerns this item alone. */
export type BatchItemOutcome<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: Error };

export interface FrameBatchCollectorOptions<I, R> {
  /** Flush as soon as this many items wait (ARGUS_INFER_BATCH_MAX). */
  readonly maxSize: number;
  /** Flush when the oldest waiting item has waited this long (ARGUS_INFER_BATCH_WAIT_MS). */
  readonly maxWaitMs: number;
  /**
   * Batches run at once (default 1): one per model worker. A batch starts when one of them is
   * free and the waiting items are due (a full batch, or the oldest has waited maxWaitMs).
   */
  readonly concurrency?: number;
  /** Runs one batch; returns one outcome per item, in order. A throw fails every item of the batch. */
  readonly process: (items: readonly I[]) => Promise<readonly BatchItemOutcome<R>[]>;
  readonly timer?: BatchTimer;
}

/** What the collector did since the previous `takeStats()` (or its creation). */
export interface BatchStats {
  readonly elapsedMs: number;
  readonly batches: number;
  readonly items: number;
  /** Wall time batches were running, summed over the batches (÷ concurrency: the model's busy time). */
  readonly busyMs: number;
  /** Batches that may run at once: busyMs ÷ (elapsedMs × concurrency) is the share of the workers' time used. */
  readonly concurrency: number;
  /** Items already waiting when a batch started, summed over the batches (÷ batches: the queue the model had). */
  readonly waitingAtStart: number;
}

interface Waiting<I, R> {
  readonly item: I;
  readonly resolve: (value: R) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Micro-batching for per-message handlers: each handler `submit`s its frame and awaits that
 * frame's result, while the collector groups what arrives into batches of up to `maxSize`, or
 * whatever has arrived `maxWaitMs` after the first waiting item. Up to `concurrency` batches run
 * at once (one per model worker): items arriving while every worker is busy wait, and when a batch
 * ends they are flushed at once if the batch is full or their wait is over, else when it is.
 * Batches are formed in submission order, so an item never starts in a later batch than one
 * submitted after it (with concurrency > 1 a later batch may still END first).
 */
export class FrameBatchCollector<I, R> {
  private readonly timer: BatchTimer;
  private waiting: Waiting<I, R>[] = [];
  private waitTimer: unknown = undefined;
  private waitExpired = false;
  private running = 0;
  private readonly concurrency: number;
  private stats = { since: performance.now(), batches: 0, items: 0, busyMs: 0, waitingAtStart: 0 };

  constructor(private readonly options: FrameBatchCollectorOptions<I, R>) {
    if (!Number.isInteger(options.maxSize) || options.maxSize < 1)
      throw new RangeError(`maxSize must be a positive integer, got ${options.maxSize}`);
    if (!(options.maxWaitMs >= 0)) throw new RangeError(`maxWaitMs must be >= 0, got ${options.maxWaitMs}`);
    this.concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1)
      throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`);
    this.timer = options.timer ?? systemBatchTimer;
  }

  /** Counters since the previous call, then reset: how busy the model was and how full its batches. */
  takeStats(): BatchStats {
    const now = performance.now();
    const { since, batches, items, busyMs, waitingAtStart } = this.stats;
    this.stats = { since: now, batches: 0, items: 0, busyMs: 0, waitingAtStart: 0 };
    return { elapsedMs: now - since, batches, items, busyMs, waitingAtStart, concurrency: this.concurrency };
  }

  /** Items waiting for the next batch (not counting the running ones). */
  get pending(): number {
    return this.waiting.length;
  }

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (this.waiting.length === 1) this.startWaitTimer();
      this.flushIfDue();
    });
  }

  private startWaitTimer(): void {
    this.waitExpired = false;
    this.waitTimer = this.timer.setTimeout(() => {
      this.waitTimer = undefined;
      this.waitExpired = true;
      this.flushIfDue();
    }, this.options.maxWaitMs);
  }

  private flushIfDue(): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      if (this.waiting.length < this.options.maxSize && !this.waitExpired) return;
      const batch = this.waiting.splice(0, this.options.maxSize);
      if (this.waitTimer !== undefined) this.timer.clearTimeout(this.waitTimer);
      this.waitTimer = undefined;
      this.waitExpired = false;
      // Items left over (more than maxSize were waiting) start a fresh wait, unless they fill
      // a batch of their own for a free worker (the next turn of the loop).
      if (this.waiting.length > 0) this.startWaitTimer();
      this.running += 1;
      void this.run(batch);
    }
  }

  private async run(batch: Waiting<I, R>[]): Promise<void> {
    const started = performance.now();
    this.stats.waitingAtStart += this.waiting.length;
    try {
      const outcomes = await this.options.process(batch.map((w) => w.item));
      if (outcomes.length !== batch.length) {
        throw new Error(`BUG: batch of ${batch.length} items produced ${outcomes.length} outcomes`);
      }
      batch.forEach((waiting, index) => {
        const outcome = outcomes[index] as BatchItemOutcome<R>;
        if (outcome.ok) waiting.resolve(outcome.value);
        else waiting.reject(outcome.error);
      });
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      for (const waiting of batch) waiting.reject(failure);
    } finally {
      this.stats.batches += 1;
      this.stats.items += batch.length;
      this.stats.busyMs += performance.now() - started;
      this.running -= 1;
      this.flushIfDue();
    }
  }
}
