import { DEAD_LETTER_SUFFIX } from '@argus/contracts';
import type { Admin, Kafka } from 'kafkajs';
import type { ConsumerGroupLag, DeadLetterCount, PipelineHealth } from '../pipeline-health.port';

type PartitionOffsets = Awaited<ReturnType<Admin['fetchTopicOffsets']>>;

/**
 * Consumer lag and dead-letter counts from the Kafka admin API: `fetchOffsets` (a group's
 * committed offsets) against `fetchTopicOffsets` (each partition's low and high watermark).
 * A partition the group never committed counts from the low watermark (all retained messages).
 * Groups with no committed offset on any topic (never consumed) are left out.
 */
export async function readKafkaPipelineHealth(kafka: Kafka): Promise<PipelineHealth> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    const watermarks = new Map<string, PartitionOffsets>();
    const offsetsOf = async (topic: string): Promise<PartitionOffsets> => {
      let found = watermarks.get(topic);
      if (!found) {
        found = await admin.fetchTopicOffsets(topic);
        watermarks.set(topic, found);
      }
      return found;
    };

    const deadLetters: DeadLetterCount[] = [];
    for (const topic of topics.filter((t) => t.endsWith(DEAD_LETTER_SUFFIX)).sort()) {
      const partitions = await offsetsOf(topic);
      deadLetters.push({ topic, count: partitions.reduce((sum, p) => sum + Math.max(0, Number(p.high) - Number(p.low)), 0) });
    }

    const { groups } = await admin.listGroups();
    const consumerGroups: ConsumerGroupLag[] = [];
    for (const { groupId } of groups.sort((a, b) => a.groupId.localeCompare(b.groupId))) {
      const committed = await admin.fetchOffsets({ groupId });
      for (const { topic, partitions } of committed) {
        if (!partitions.some((p) => Number(p.offset) >= 0) || !topics.includes(topic)) continue;
        const marks = await offsetsOf(topic);
        let lag = 0;
        for (const mark of marks) {
          const at = Number(partitions.find((p) => p.partition === mark.partition)?.offset ?? -1);
          lag += Math.max(0, Number(mark.high) - Math.max(at, Number(mark.low)));
        }
        consumerGroups.push({ groupId, topic, lag });
      }
    }
    return { consumerGroups, deadLetters };
  } finally {
    await admin.disconnect();
  }
}
