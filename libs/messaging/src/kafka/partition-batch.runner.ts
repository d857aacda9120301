import type { Batch, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { InboundRecord, RecordProcessor } from '../message.processor';

/** A partition's next offset to read (the handled message's + 1), as committed. */
export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to read (the handled message's + 1). */
  readonly offset: string;
}

export interface PartitionBatchRunnerOptions {
  readonly processor: RecordProcessor;
  /** Messages of one partition handled at once when their keys differ. */
  readonly keysInFlight: number;
  /** Messages of a key hinted to the processor ahead of the one handled (0: none). */
  readonly readAheadPerKey: number;
  /** Aborted when the subscription stops: no new message starts; a running one may be abandoned. */
  readonly signal: AbortSignal;
  /** Commits one offset (coalesced with other partitions' by the subscription). */
  readonly commit: (offset: PartitionOffset) => Promise<void>;
}

/** The broker's message as the processor sees it. */
export function inboundRecordOf(topic: string, partition: number, message: KafkaMessage): InboundRecord {
  return { topic, partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers };
}

/** The batch's message indices grouped by key, each group in offset order, groups in order of first appearance. */
function queuesByKey(messages: readonly KafkaMessage[]): number[][] {
  const byKey = new Map<string, number[]>();
  messages.forEach((message, index) => {
    const key = message.key === null ? '\u0000no-key' : message.key.toString('hex');
    const queue = byKey.get(key);
    if (queue) queue.push(index);
    else byKey.set(key, [index]);
  });
  return [...byKey.values()];
}

/**
 * One fetched batch of a partition: its keys in parallel (up to `keysInFlight`), each key's
 * messages in order. Offsets are committed in order: after each message, the longest prefix of the
 * batch that is done (handled or dead-lettered) is committed — one commit at a time, so a later
 * prefix never overtakes an earlier one. A message left abandoned (stopping), a failed handler or
 * dead-letter write, a failed commit or a rebalance stops launching new messages; what follows the
 * committed prefix is fetched again (at-least-once: a later message of another key may run twice).
 * Read-ahead: as a key's message starts, the next `readAheadPerKey` messages of that key in the
 * batch are hinted to the processor (each once), so their side-effect-free work overlaps this one.
 */
export class PartitionBatchRunner {
  /** The first error met (handler, dead-letter write or commit); the batch's caller rethrows it. */
  failure: unknown;
  /** A message was abandoned (stopping): the caller pauses the partition. */
  abandoned = false;
  private readonly batch: Batch;
  private readonly queues: number[][];
  private readonly done: boolean[];
  private nextQueue = 0;
  /** messages[0..prefix) are done. */
  private prefix = 0;
  private committed = 0;
  private stopped = false;
  private commits: Promise<void> = Promise.resolve();

  constructor(
    private readonly payload: Pick<EachBatchPayload, 'batch' | 'resolveOffset' | 'isRunning' | 'isStale'>,
    private readonly options: PartitionBatchRunnerOptions,
  ) {
    this.batch = payload.batch;
    this.queues = queuesByKey(payload.batch.messages);
    this.done = new Array<boolean>(payload.batch.messages.length).fill(false);
  }

  /** Handles the batch; resolves once every launched message and the last commit are done. */
  async run(): Promise<void> {
    const workers = Math.min(this.options.keysInFlight, this.queues.length);
    await Promise.all(Array.from({ length: workers }, () => this.work()));
    this.commitPrefix();
    await this.commits;
  }

  /** One of `keysInFlight` workers: takes the next key's queue until none is left or the batch stops. */
  private async work(): Promise<void> {
    while (!this.stopped && this.nextQueue < this.queues.length) {
      const queue = this.queues[this.nextQueue++] as number[];
      await this.runQueue(queue);
    }
  }

  /** One key's messages, in order, each hinting the ones after it. */
  private async runQueue(queue: readonly number[]): Promise<void> {
    let hinted = 0; // queue[0..hinted) were hinted or handled
    for (const [position, index] of queue.entries()) {
      if (this.mustStop()) {
        this.stopped = true;
        break;
      }
      hinted = this.hintAhead(queue, position, Math.max(hinted, position + 1));
      if (!(await this.processMessage(index))) break;
      this.markDone(index);
    }
  }

  private mustStop(): boolean {
    return this.stopped || this.options.signal.aborted || !this.payload.isRunning() || this.payload.isStale();
  }

  /** Hints the queue's messages from `hinted` up to `readAheadPerKey` past `position`; returns the new mark. */
  private hintAhead(queue: readonly number[], position: number, hinted: number): number {
    const { topic, partition, messages } = this.batch;
    const end = Math.min(queue.length, position + 1 + this.options.readAheadPerKey);
    for (; hinted < end; hinted++) {
      this.options.processor.hint(inboundRecordOf(topic, partition, messages[queue[hinted] as number] as KafkaMessage));
    }
    return hinted;
  }

  /** Runs the message through the processor; false (and the batch stops) if it was abandoned or failed. */
  private async processMessage(index: number): Promise<boolean> {
    const { topic, partition, messages } = this.batch;
    try {
      const outcome = await this.options.processor.process(
        inboundRecordOf(topic, partition, messages[index] as KafkaMessage),
        this.options.signal,
      );
      if (outcome === 'abandoned') {
        this.abandoned = true;
        this.stopped = true;
        return false;
      }
    } catch (error) {
      this.failure ??= error;
      this.stopped = true;
      return false;
    }
    return true;
  }

  private markDone(index: number): void {
    this.done[index] = true;
    while (this.prefix < this.done.length && this.done[this.prefix]) this.prefix++;
    this.commitPrefix();
  }

  /** Queues a commit of the done prefix behind the previous one (a no-op if nothing new is done). */
  private commitPrefix(): void {
    const { topic, partition, messages } = this.batch;
    this.commits = this.commits.then(async () => {
      if (this.prefix <= this.committed) return;
      const last = messages[this.prefix - 1] as KafkaMessage;
      this.committed = this.prefix;
      this.payload.resolveOffset(last.offset);
      try {
        await this.options.commit({ topic, partition, offset: (BigInt(last.offset) + 1n).toString() });
      } catch (error) {
        this.failure ??= error;
        this.stopped = true;
      }
    });
  }
}
