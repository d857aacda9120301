import { setTimeout as delay } from 'node:timers/promises';
import { isDeadLetterTopic } from '@argus/contracts';
import type { PipelineHealth } from '../pipeline-health.port';
import type { RawHeaders } from '../message.headers';
import type { InboundRecord } from '../message.processor';
import type { MessagingLogger } from '../messaging-logger.port';
import { ConsoleJsonLogger } from '../console-json.logger';

/** A record as stored in a partition's log. */
export interface StoredRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: RawHeaders;
  readonly timestamp: string;
}

export interface AppendInput {
  readonly key: string | null;
  readonly value: Buffer | string | null;
  readonly headers?: RawHeaders;
}

/** A consumer-group member: handles one record at a time per partition, `concurrency` partitions at once. */
export interface GroupMember {
  readonly concurrency: number;
  /** Resolves `commit` to move the group past the record, `no-commit` to have it redelivered. */
  deliver(record: InboundRecord): Promise<'commit' | 'no-commit'>;
}

export interface InMemoryBrokerOptions {
  readonly logger?: MessagingLogger;
  /** Wait before redelivering a record whose delivery rejected (the dead-letter write failed). */
  readonly redeliveryDelayMs?: number;
  /** Records consumed by every group of a topic are dropped once this many have piled up. */
  readonly trimThreshold?: number;
}

class PartitionLog {
  /** Offset of `records[0]`. */
  startOffset = 0;
  readonly records: StoredRecord[] = [];

  get endOffset(): number {
    return this.startOffset + this.records.length;
  }

  at(offset: number): StoredRecord {
    const record = this.records[offset - this.startOffset];
    if (!record) throw new Error(`offset ${offset} is outside the log [${this.startOffset}, ${this.endOffset})`);
    return record;
  }
}

class TopicLog {
  readonly partitions: PartitionLog[] = [];
  constructor(readonly name: string) {}
}

interface MemberSlot {
  readonly member: GroupMember;
  active: number;
}

class GroupState {
  /** Next offset to deliver per partition (the committed position). */
  readonly positions: number[] = [];
  readonly inFlight: boolean[] = [];
  readonly members: MemberSlot[] = [];
  nextMember = 0;

  constructor(
    readonly groupId: string,
    readonly topic: TopicLog,
  ) {}
}

/**
 * A small single-process Kafka: topics with partitioned, offset-addressed logs, consumer groups
 * that track a committed position per partition, and members that share a group's partitions.
 * Several `InMemoryMessageBusAdapter`s (one per embedded "service") can share one broker.
 *
 * Guarantees, like Kafka: one record in flight per partition per group (so per-key order holds);
 * a record is delivered again until a member commits it; each group sees every record.
 */
export class InMemoryBroker {
  private readonly topics = new Map<string, TopicLog>();
  private readonly groups = new Map<string, GroupState>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly logger: MessagingLogger;
  private readonly redeliveryDelayMs: number;
  private readonly trimThreshold: number;
  private dispatchScheduled = false;

  constructor(options: InMemoryBrokerOptions = {}) {
    this.logger = options.logger ?? new ConsoleJsonLogger();
    this.redeliveryDelayMs = options.redeliveryDelayMs ?? 1000;
    this.trimThreshold = options.trimThreshold ?? 1024;
  }

  /** Creates the topic, or grows it to `partitions`. Idempotent. */
  createTopic(name: string, partitions: number): void {
    if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partitions of "${name}" must be an integer >= 1`);
    let log = this.topics.get(name);
    if (!log) {
      log = new TopicLog(name);
      this.topics.set(name, log);
    }
    while (log.partitions.length < partitions) log.partitions.push(new PartitionLog());
    for (const group of this.groups.values()) {
      if (group.topic === log) this.fitGroup(group, false);
    }
  }

  hasTopic(name: string): boolean {
    return this.topics.has(name);
  }

  /** Appends a record (partition chosen by key hash, like Kafka). Throws when the topic does not exist. */
  append(topic: string, input: AppendInput): StoredRecord {
    const log = this.requireTopic(topic);
    const partition = input.key === null ? this.roundRobinPartition(log) : hashKey(input.key) % log.partitions.length;
    const partitionLog = log.partitions[partition] as PartitionLog;
    const value =
      typeof input.value === 'string' ? Buffer.from(input.value, 'utf8') : input.value === null ? null : Buffer.from(input.value);
    const record: StoredRecord = {
      topic,
      partition,
      offset: String(partitionLog.endOffset),
      key: input.key,
      value,
      headers: { ...(input.headers ?? {}) },
      timestamp: new Date().toISOString(),
    };
    partitionLog.records.push(record);
    this.scheduleDispatch();
    return record;
  }

  /** Every retained record of a topic, partition by partition (e.g. to read a dead-letter topic back). */
  records(topic: string): StoredRecord[] {
    return this.requireTopic(topic).partitions.flatMap((partition) => partition.records);
  }

  /**
   * Like Kafka's admin view: each group's lag per topic (end offset minus committed position, over
   * partitions) and each dead-letter topic's retained messages.
   */
  pipelineHealth(): PipelineHealth {
    const consumerGroups = [...this.groups.values()]
      .map((group) => ({
        groupId: group.groupId,
        topic: group.topic.name,
        lag: group.topic.partitions.reduce(
          (sum, log, p) => sum + Math.max(0, log.endOffset - Math.max(group.positions[p] ?? 0, log.startOffset)),
          0,
        ),
      }))
      .sort((a, b) => a.groupId.localeCompare(b.groupId) || a.topic.localeCompare(b.topic));
    const deadLetters = [...this.topics.values()]
      .filter((log) => isDeadLetterTopic(log.name))
      .map((log) => ({ topic: log.name, count: log.partitions.reduce((sum, p) => sum + p.records.length, 0) }))
      .sort((a, b) => a.topic.localeCompare(b.topic));
    return { consumerGroups, deadLetters };
  }

  /** Adds a member to a group. Returns `leave`: no further deliveries; in-flight ones still complete. */
  join(groupId: string, topic: string, member: GroupMember, options: { fromBeginning: boolean }): () => void {
    const log = this.requireTopic(topic);
    const key = groupKey(groupId, topic);
    let group = this.groups.get(key);
    if (!group) {
      group = new GroupState(groupId, log);
      this.groups.set(key, group);
      this.fitGroup(group, options.fromBeginning);
    }
    const slot: MemberSlot = { member, active: 0 };
    group.members.push(slot);
    this.scheduleDispatch();
    const joined = group;
    return () => {
      const index = joined.members.indexOf(slot);
      if (index >= 0) joined.members.splice(index, 1);
      this.scheduleDispatch();
      this.notifyIfIdle();
    };
  }

  /**
   * Resolves when no delivery is in flight and every group that has members has consumed every
   * record of its topic. Rejects after `timeoutMs` with what is still pending.
   */
  idle(timeoutMs = 10_000): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.idleWaiters.indexOf(done);
        if (index >= 0) this.idleWaiters.splice(index, 1);
        reject(new Error(`in-memory broker not idle after ${timeoutMs} ms: ${this.describePending()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.idleWaiters.push(done);
    });
  }

  private isIdle(): boolean {
    for (const group of this.groups.values()) {
      if (group.inFlight.some(Boolean)) return false;
      if (group.members.length === 0) continue;
      const behind = group.topic.partitions.some((log, p) => (group.positions[p] ?? 0) < log.endOffset);
      if (behind) return false;
    }
    return true;
  }

  private describePending(): string {
    const pending: string[] = [];
    for (const group of this.groups.values()) {
      group.topic.partitions.forEach((log, p) => {
        const position = group.positions[p] ?? 0;
        if (group.inFlight[p] || (group.members.length > 0 && position < log.endOffset)) {
          pending.push(
            `${group.groupId}@${group.topic.name}[${p}] at ${position}/${log.endOffset}${group.inFlight[p] ? ' (in flight)' : ''}`,
          );
        }
      });
    }
    return pending.join(', ');
  }

  private notifyIfIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private scheduleDispatch(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    setImmediate(() => {
      this.dispatchScheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const group of this.groups.values()) {
      group.topic.partitions.forEach((log, partition) => {
        if (group.inFlight[partition]) return;
        const position = Math.max(group.positions[partition] ?? 0, log.startOffset);
        group.positions[partition] = position;
        if (position >= log.endOffset) return;
        const slot = this.freeMember(group);
        if (!slot) return;
        this.deliver(group, slot, log.at(position));
      });
    }
    this.notifyIfIdle();
  }

  private freeMember(group: GroupState): MemberSlot | undefined {
    const count = group.members.length;
    for (let i = 0; i < count; i += 1) {
      const slot = group.members[(group.nextMember + i) % count] as MemberSlot;
      if (slot.active < slot.member.concurrency) {
        group.nextMember = (group.nextMember + i + 1) % count;
        return slot;
      }
    }
    return undefined;
  }

  private deliver(group: GroupState, slot: MemberSlot, record: StoredRecord): void {
    const { partition } = record;
    group.inFlight[partition] = true;
    slot.active += 1;
    const inbound: InboundRecord = { ...record, headers: { ...record.headers } };
    void slot.member.deliver(inbound).then(
      (result) => {
        slot.active -= 1;
        group.inFlight[partition] = false;
        if (result === 'commit') {
          group.positions[partition] = Math.max(group.positions[partition] ?? 0, Number(record.offset) + 1);
          this.trim(group.topic, partition);
        }
        this.scheduleDispatch();
        this.notifyIfIdle();
      },
      async (error: unknown) => {
        slot.active -= 1;
        this.logger.error(
          {
            topic: record.topic,
            partition,
            offset: record.offset,
            groupId: group.groupId,
            err: error,
            redeliveryInMs: this.redeliveryDelayMs,
          },
          'delivery failed and was not acknowledged: redelivering',
        );
        // The partition stays blocked until the redelivery, so the failed record keeps its place in order.
        await delay(this.redeliveryDelayMs, undefined, { ref: false });
        group.inFlight[partition] = false;
        this.scheduleDispatch();
      },
    );
  }

  /** Drops records every group of the topic has consumed, once enough have piled up. */
  private trim(topic: TopicLog, partition: number): void {
    const log = topic.partitions[partition] as PartitionLog;
    let consumedByAll = Number.POSITIVE_INFINITY;
    for (const group of this.groups.values()) {
      if (group.topic === topic) consumedByAll = Math.min(consumedByAll, group.positions[partition] ?? 0);
    }
    const droppable = consumedByAll - log.startOffset;
    if (!Number.isFinite(droppable) || droppable < this.trimThreshold) return;
    log.records.splice(0, droppable);
    log.startOffset += droppable;
  }

  /** A new group starts at the log start or its end; a grown topic gets positions for new partitions. */
  private fitGroup(group: GroupState, fromBeginning: boolean): void {
    group.topic.partitions.forEach((log, p) => {
      if (group.positions[p] === undefined) group.positions[p] = fromBeginning ? log.startOffset : log.endOffset;
      if (group.inFlight[p] === undefined) group.inFlight[p] = false;
    });
  }

  private requireTopic(name: string): TopicLog {
    const log = this.topics.get(name);
    if (!log) throw new Error(`topic "${name}" does not exist: create it with ensureTopics() first`);
    return log;
  }

  private roundRobinPartition(log: TopicLog): number {
    const total = log.partitions.reduce((sum, p) => sum + p.endOffset, 0);
    return total % log.partitions.length;
  }
}

function groupKey(groupId: string, topic: string): string {
  return `${groupId}\u0000${topic}`;
}

/** FNV-1a: a stable key → partition mapping (not Kafka's murmur2; only stability matters here). */
function hashKey(key: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
