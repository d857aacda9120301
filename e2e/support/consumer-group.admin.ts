import type { TopicContract } from '@argus/contracts';
import { KafkaMessageBusAdapter, kafkaConfigFromEnv, type MessagingLogger } from '@argus/messaging';
import { Kafka, KafkaJSError, logLevel } from 'kafkajs';
import { pollUntil } from './wait-for.poller';

const silent: MessagingLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
/** How long a retriable broker answer is retried before the test sees it. */
const RETRIABLE_WINDOW_MS = 30_000;

/**
 * Runs `attempt` again while the broker answers with an error Kafka calls retriable (a topic
 * created a moment ago whose partition leader the metadata does not name yet answers "not the
 * leader for that topic-partition"); kafkajs' admin does not retry every such answer itself.
 * Anything else, or the same error after the window, reaches the test.
 */
async function retryingRetriable<T>(attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + RETRIABLE_WINDOW_MS;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof KafkaJSError) || !error.retriable || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

export interface GroupSnapshot {
  readonly state: string;
  readonly members: number;
  /** Messages on `topic` the group has not committed yet (committed offset to high watermark). */
  readonly lag: number;
}

/**
 * A test's view of one Kafka consumer group on the shared infra/local cluster (kafkajs admin).
 * The services' group ids are fixed (`detection-inference`), so a test that runs them must make
 * sure nobody else is a member while it runs, and skip whatever backlog other runs left behind.
 */
export class ConsumerGroupAdmin {
  private readonly kafka: Kafka;

  constructor(brokers: readonly string[], clientId: string) {
    this.kafka = new Kafka({ clientId, brokers: [...brokers], logLevel: logLevel.NOTHING });
  }

  async snapshot(groupId: string, topic: string): Promise<GroupSnapshot> {
    return retryingRetriable(() => this.snapshotOnce(groupId, topic));
  }

  private async snapshotOnce(groupId: string, topic: string): Promise<GroupSnapshot> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([groupId]);
      const group = groups[0];
      const high = await admin.fetchTopicOffsets(topic);
      const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
      let lag = 0;
      for (const partition of high) {
        const offset = Number(committed?.partitions.find((p) => p.partition === partition.partition)?.offset ?? '-1');
        lag += Number(partition.high) - (offset < 0 ? Number(partition.low) : offset);
      }
      return { state: group?.state ?? 'Dead', members: group?.members.length ?? 0, lag };
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Waits until the group has no members (another run's process may be leaving), then moves its
   * committed offsets on `topic` to the end, so a service joining it starts with this test's frames.
   */
  async skipToLatestWhenIdle(groupId: string, contract: TopicContract, timeoutMs: number): Promise<void> {
    const topic = contract.name;
    // On a fresh cluster nothing has created the topic yet (the services create it when they boot).
    const bus = new KafkaMessageBusAdapter({ config: kafkaConfigFromEnv(process.env, { clientId: `${groupId}-topics` }), logger: silent });
    try {
      await bus.ensureTopics([contract]);
    } finally {
      await bus.stop();
    }
    await pollUntil(
      `consumer group ${groupId} to have no members`,
      async () => ((await this.snapshot(groupId, topic)).members === 0 ? true : undefined),
      { timeoutMs, intervalMs: 1_000 },
    );
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      // Explicit offsets: kafkajs' resetOffsets({ earliest: false }) commits -1 ("latest"), which a
      // group with no offsets yet reads as "none", and a `fromBeginning` consumer then starts at 0.
      await retryingRetriable(async () => {
        const ends = await admin.fetchTopicOffsets(topic);
        await admin.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
      });
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Whether the group has committed past every message that was on `topic` at `ends` (as `ends`
   * gave them): with commit after success, everything published before was handled.
   */
  async committedPast(groupId: string, topic: string, ends: ReadonlyMap<number, string>): Promise<boolean> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [committed] = await retryingRetriable(() => admin.fetchOffsets({ groupId, topics: [topic] }));
      return [...ends].every(([partition, end]) => {
        const offset = BigInt(committed?.partitions.find((p) => p.partition === partition)?.offset ?? '-1');
        return BigInt(end) === 0n || offset >= BigInt(end);
      });
    } finally {
      await admin.disconnect();
    }
  }

  /** Each partition's end (high watermark) on `topic`. */
  async ends(topic: string): Promise<Map<number, string>> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return new Map((await retryingRetriable(() => admin.fetchTopicOffsets(topic))).map((p) => [p.partition, p.high]));
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * When each message between `from` and `to` (per partition, as `ends` gave them) was published:
   * its Kafka timestamp (the producer's clock, CreateTime) by the value's `frameId`. Reads with a
   * throw-away consumer group, seeking each partition to its start.
   */
  async publishTimesByFrame(
    topic: string,
    from: ReadonlyMap<number, string>,
    to: ReadonlyMap<number, string>,
    timeoutMs = 30_000,
  ): Promise<Map<string, number>> {
    const times = new Map<string, number>();
    const remaining = new Map([...to].filter(([partition, end]) => BigInt(end) > BigInt(from.get(partition) ?? end)));
    if (remaining.size === 0) return times;
    const consumer = this.kafka.consumer({
      groupId: `bench-publish-times-${Date.now()}-${Math.random().toString(16).slice(2)}`,
      maxWaitTimeInMs: 200,
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: false });
      let finish: () => void = () => undefined;
      const done = new Promise<void>((resolve) => (finish = resolve));
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const end = remaining.get(partition);
          if (end === undefined || BigInt(message.offset) >= BigInt(end)) return;
          const frameId = (JSON.parse(message.value?.toString('utf8') ?? '{}') as { frameId?: unknown }).frameId;
          if (typeof frameId === 'string') times.set(frameId, Number(message.timestamp));
          if (BigInt(message.offset) + 1n >= BigInt(end)) remaining.delete(partition);
          if (remaining.size === 0) finish();
        },
      });
      for (const partition of remaining.keys()) consumer.seek({ topic, partition, offset: from.get(partition) ?? '0' });
      await Promise.race([done, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
      return times;
    } finally {
      await consumer.disconnect();
    }
  }
}
