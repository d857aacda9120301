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

/**
 * Turns many small requests into few: items submitted in the same turn of the event loop, or
 * while the previous request is still in flight, go out together as ONE request (one Kafka
 * produce or offset commit, one SQL statement for many frames). Nothing waits on a timer: a lone
 * item leaves at the next `setImmediate`, so under light load this adds no latency, and under
 * load (many handlers finishing together) one request carries them all.
 *
 * One request at a time, in submission order. If `send` throws, every item of that request fails
 * and each caller retries (or is redelivered) as it would have alone.
 */
export class RequestCoalescer<T, R = void> {
  private queue: Queued<T, R>[] = [];
  private inFlight = false;
  private scheduled = false;

  constructor(
    private readonly send: (items: readonly T[]) => Promise<readonly CoalescedOutcome<R>[] | void>,
    private readonly maxItems = 500,
  ) {
    if (!Number.isInteger(maxItems) || maxItems < 1) throw new RangeError(`maxItems must be a positive integer, got ${maxItems}`);
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
      const outcomes = await this.send(batch.map((q) => q.item));
      if (outcomes !== undefined && outcomes.length !== batch.length) {
        throw new Error(`BUG: a request of ${batch.length} items answered ${outcomes.length} outcomes`);
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
}
