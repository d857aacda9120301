import type { InboundRecord, RecordProcessor } from '../message.processor';
import type { Subscription } from '../message-bus.port';
import type { GroupMember, InMemoryBroker } from './in-memory.broker';

/** One member of a consumer group on the in-memory broker. */
export class InMemorySubscription implements Subscription, GroupMember {
  private readonly abort = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  private leave: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly broker: InMemoryBroker,
    readonly topic: string,
    readonly groupId: string,
    readonly concurrency: number,
    private readonly fromBeginning: boolean,
    private readonly processor: RecordProcessor,
    private readonly onStopped: (subscription: InMemorySubscription) => void,
  ) {}

  get running(): boolean {
    return this.leave !== undefined;
  }

  start(): void {
    if (this.stopped) throw new Error(`subscription ${this.groupId}@${this.topic} was stopped; subscribe again`);
    if (this.leave) return;
    this.leave = this.broker.join(this.groupId, this.topic, this, { fromBeginning: this.fromBeginning });
  }

  async deliver(record: InboundRecord): Promise<'commit' | 'no-commit'> {
    if (this.abort.signal.aborted) return 'no-commit';
    const processing = this.processor.process(record, this.abort.signal);
    this.inFlight.add(processing);
    try {
      return (await processing) === 'abandoned' ? 'no-commit' : 'commit';
    } finally {
      this.inFlight.delete(processing);
    }
  }

  /** Leaves the group, aborts retry waits, and waits for in-flight handlers to settle. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    this.leave?.();
    this.leave = undefined;
    await Promise.allSettled([...this.inFlight]);
    this.onStopped(this);
  }
}
