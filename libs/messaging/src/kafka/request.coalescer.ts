interface Queued<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Turns many small Kafka requests into few: items submitted in the same turn of the event loop, or
 * while the previous request is still in flight, go out together as ONE request. Nothing waits on
 * a timer: a lone item leaves at the next `setImmediate`, so under light load this adds no latency,
 * and under load (many handlers finishing together) one produce or offset commit carries them all.
 *
 * One request at a time, in submission order. Each submitter's promise settles with its request:
 * if it fails, every item in it fails and each caller retries (or is redelivered) as before.
 */
export class RequestCoalescer<T> {
  private queue: Queued<T>[] = [];
  private inFlight = false;
  private scheduled = false;

  constructor(
    private readonly send: (items: readonly T[]) => Promise<void>,
    private readonly maxItems = 500,
  ) {
    if (!Number.isInteger(maxItems) || maxItems < 1) throw new RangeError(`maxItems must be a positive integer, got ${maxItems}`);
  }

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
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
      await this.send(batch.map((q) => q.item));
      for (const q of batch) q.resolve();
    } catch (error) {
      for (const q of batch) q.reject(error);
    } finally {
      this.inFlight = false;
      this.schedule();
    }
  }
}
