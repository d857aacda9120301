interface Queued<T, R> {
  readonly item: T;
  readonly resolve: (value: R) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * What `send` answers for one item: its result, or an Error that fails that item alone.
 * (`send` returning void resolves every item with undefined.)
 */
export type CoalescedOutcome<R> = R | Error;

export interface RequestCoalescerOptions {
  /** Most items in one request (default 500). */
  readonly maxItems?: number;
  /**
   * When a request of several items fails with an error this accepts (one item's problem, say),
   * each item is sent again alone, in order, and gets its own outcome: only the bad one fails.
   * Default: never (every item of a failed request fails with its error).
   */
  readonly retryAloneWhen?: (error: unknown) => boolean;
}

/**
 * Turns many small requests into few: items submitted in the same turn of the event loop, or
 * while the previous request is still in flight, go out together as ONE request (one Kafka
 * produce or offset commit, one SQL statement for many frames). Nothing waits on a timer: a lone
 * item leaves at the next `setImmediate`, so under light load this adds no latency, and under
 * load (many handlers finishing together) one request carries them all.
 *
 * One request at a time, in submission order. If `send` throws, every item of that request fails
 * and each caller retries (or is redelivered) as it would have alone, unless `retryAloneWhen`
 * accepts the error: then each item is sent again alone, so one bad item fails alone.
 */
export class RequestCoalescer<T, R = void> {
  private queue: Queued<T, R>[] = [];
  private inFlight = false;
  private scheduled = false;

  private readonly maxItems: number;

  constructor(
    private readonly send: (items: readonly T[]) => Promise<readonly CoalescedOutcome<R>[] | void>,
    private readonly options: RequestCoalescerOptions = {},
  ) {
    this.maxItems = options.maxItems ?? 500;
    if (!Number.isInteger(this.maxItems) || this.maxItems < 1)
      throw new RangeError(`maxItems must be a positive integer, got ${this.maxItems}`);
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.inFlight || this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.inFlight || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxItems);
    this.inFlight = true;
    try {
      let outcomes: readonly CoalescedOutcome<R>[] | void;
      try {
        outcomes = await this.sendChecked(batch.map((q) => q.item));
      } catch (error) {
        if (batch.length === 1 || !this.options.retryAloneWhen?.(error)) throw error;
        outcomes = await this.sendEachAlone(batch.map((q) => q.item));
      }
      batch.forEach((q, i) => {
        const outcome = outcomes?.[i];
        if (outcome instanceof Error) q.reject(outcome);
        else q.resolve(outcome as R);
      });
    } catch (error) {
      for (const q of batch) q.reject(error);
    } finally {
      this.inFlight = false;
      this.schedule();
    }
  }

  private async sendChecked(items: readonly T[]): Promise<readonly CoalescedOutcome<R>[] | void> {
    const outcomes = await this.send(items);
    if (outcomes !== undefined && outcomes.length !== items.length) {
      throw new Error(`BUG: a request of ${items.length} items answered ${outcomes.length} outcomes`);
    }
    return outcomes;
  }

  /** Each item in a request of its own, one after the other (order kept), each with its outcome. */
  private async sendEachAlone(items: readonly T[]): Promise<CoalescedOutcome<R>[]> {
    const outcomes: CoalescedOutcome<R>[] = [];
    for (const item of items) {
      try {
        outcomes.push((await this.sendChecked([item]))?.[0] as CoalescedOutcome<R>);
      } catch (error) {
        outcomes.push(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return outcomes;
  }
}
