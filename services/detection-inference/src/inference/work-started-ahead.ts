/**
 * Work started before its turn, kept until the turn takes it: detection-inference scores the next
 * frames of a camera (fetched from Kafka, hinted by the bus) while the frame before is still being
 * written. Each started piece of work is taken at most once; what is never taken (the partition
 * moved to another member, the frame was redelivered elsewhere) is dropped oldest first beyond
 * `capacity`. Rejections are kept for the taker (never unhandled here).
 */
export class WorkStartedAhead<V> {
  private readonly started = new Map<string, Promise<V>>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  /** Pieces of work started and not taken yet. */
  get size(): number {
    return this.started.size;
  }

  /** Starts `work` under `key`, unless work under that key is already waiting to be taken. */
  start(key: string, work: () => Promise<V>): void {
    if (this.started.has(key)) return;
    let promise: Promise<V>;
    try {
      promise = work();
    } catch (error) {
      promise = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    promise.catch(() => undefined); // the taker sees the rejection; untaken work must not crash the process
    this.started.set(key, promise);
    while (this.started.size > this.capacity) {
      const oldest = this.started.keys().next().value as string;
      this.started.delete(oldest);
    }
  }

  /** The work started under `key` (removed: a second take gets undefined), or undefined if none. */
  take(key: string): Promise<V> | undefined {
    const promise = this.started.get(key);
    if (promise) this.started.delete(key);
    return promise;
  }
}
