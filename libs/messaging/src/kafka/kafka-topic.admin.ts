import { deadLetterTopicFor, type TopicContract } from '@argus/contracts';
import type { Admin, Kafka } from 'kafkajs';
import { setTimeout as delay } from 'node:timers/promises';
import type { MessagingLogger } from '../messaging-logger.port';

const LEADER_WAIT_MS = 15_000;

/**
 * Creates topics explicitly (auto-creation is off on our brokers, and kafkajs trips over
 * auto-created topics on KRaft): each contract's topic and its `.dlq`, with the contract's
 * partitions. Idempotent and convergent: existing topics are left alone, or grown when the
 * contract asks for more partitions (partitions can only grow). Returns once every partition has a
 * leader, so producers and consumers can use the topics at once.
 */
export class KafkaTopicAdmin {
  constructor(
    private readonly kafka: Kafka,
    private readonly logger: MessagingLogger,
  ) {}

  async ensureTopics(topics: readonly TopicContract[]): Promise<void> {
    const wanted = new Map<string, number>();
    for (const topic of topics) {
      for (const name of [topic.name, deadLetterTopicFor(topic.name)]) {
        wanted.set(name, Math.max(wanted.get(name) ?? 0, topic.partitions));
      }
    }
    if (wanted.size === 0) return;

    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = [...wanted].filter(([name]) => !existing.has(name));
      if (missing.length > 0) {
        // Resolves false when another process created them first: fine, that is the goal.
        const created = await admin.createTopics({
          topics: missing.map(([topic, numPartitions]) => ({ topic, numPartitions })),
          waitForLeaders: true,
        });
        this.logger.info(
          { topics: missing.map(([name]) => name) },
          created ? 'created topics' : 'topics created meanwhile by another client',
        );
      }
      await this.growPartitions(
        admin,
        [...wanted].filter(([name]) => existing.has(name)),
      );
      await this.waitForLeaders(admin, wanted);
    } finally {
      await admin.disconnect();
    }
  }

  private async growPartitions(admin: Admin, present: Array<[string, number]>): Promise<void> {
    if (present.length === 0) return;
    const { topics } = await admin.fetchTopicMetadata({ topics: present.map(([name]) => name) });
    const wanted = new Map(present);
    const toGrow = topics
      .map((t) => ({ topic: t.name, from: t.partitions.length, count: wanted.get(t.name) ?? 0 }))
      .filter((t) => t.count > t.from);
    if (toGrow.length === 0) return;
    this.logger.warn({ topics: toGrow }, 'growing topics to the partitions their contract asks for');
    await admin.createPartitions({ topicPartitions: toGrow.map(({ topic, count }) => ({ topic, count })) });
  }

  private async waitForLeaders(admin: Admin, wanted: Map<string, number>): Promise<void> {
    const deadline = Date.now() + LEADER_WAIT_MS;
    let lastProblem = '';
    while (Date.now() < deadline) {
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: [...wanted.keys()] });
        const notReady = topics.filter((t) => t.partitions.length < (wanted.get(t.name) ?? 0) || t.partitions.some((p) => p.leader < 0));
        if (notReady.length === 0 && topics.length === wanted.size) return;
        lastProblem = `waiting for leaders of ${notReady.map((t) => t.name).join(', ')}`;
      } catch (error) {
        lastProblem = error instanceof Error ? error.message : String(error);
      }
      await delay(100);
    }
    throw new Error(`topics not ready after ${LEADER_WAIT_MS} ms: ${lastProblem}`);
  }
}
