import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';
import { kafkaConfigFromEnv, type KafkaConfig } from '../kafka.config';
import { decodeHeaders } from '../message.headers';
import type { MessageBusContractHarness, RawRecordInput, ReadRecord } from '../testing/message-bus.contract-suite';
import { RecordingLogger } from '../testing/recording.logger';
import { uniqueGroupId } from '../testing/test-event.topic';
import { waitFor } from '@argus/platform/testing';
import { KafkaMessageBusAdapter, type KafkaMessageBusOptions } from './kafka-message-bus.adapter';
import type { KafkaConsumerTuning } from './kafka.subscription';

/** Quick rebalances for tests (the broker runs with group.initial.rebalance.delay.ms=0). */
export const TEST_CONSUMER_TUNING: KafkaConsumerTuning = {
  sessionTimeoutMs: 10_000,
  rebalanceTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  maxWaitTimeMs: 200,
  handlerHeartbeatMs: 500,
};

/**
 * Real-Kafka test support: buses against `ARGUS_KAFKA_BROKERS`, and a plain kafkajs producer and
 * consumer that bypass the bus (to write malformed bytes and read dead-letter topics back).
 */
export class KafkaContractHarness implements MessageBusContractHarness {
  readonly config: KafkaConfig = kafkaConfigFromEnv(process.env, { clientId: 'argus-messaging-int' });
  readonly logger = new RecordingLogger();
  private readonly kafka = new Kafka({
    clientId: 'argus-messaging-int-plain',
    brokers: [...this.config.brokers],
    logLevel: logLevel.ERROR,
  });
  private readonly buses: KafkaMessageBusAdapter[] = [];
  private readonly consumers: Consumer[] = [];
  private producer: Producer | undefined;

  createBus(overrides: Partial<KafkaMessageBusOptions> = {}): KafkaMessageBusAdapter {
    const bus = new KafkaMessageBusAdapter({ config: this.config, logger: this.logger, consumer: TEST_CONSUMER_TUNING, ...overrides });
    this.buses.push(bus);
    return bus;
  }

  plainKafka(): Kafka {
    return this.kafka;
  }

  async produceRaw(topic: string, record: RawRecordInput): Promise<void> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
      await this.producer.connect();
    }
    await this.producer.send({ topic, acks: -1, messages: [{ key: record.key, value: record.value, headers: { ...record.headers } }] });
  }

  /** Reads a topic from the beginning with a throw-away consumer group until `count` records arrived. */
  async readRecords(topic: string, count: number, timeoutMs = 15_000): Promise<ReadRecord[]> {
    const records: ReadRecord[] = [];
    const consumer = this.kafka.consumer({ groupId: uniqueGroupId('reader'), maxWaitTimeInMs: 200, allowAutoTopicCreation: false });
    this.consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        records.push({
          key: message.key === null ? null : message.key.toString('utf8'),
          value: message.value,
          headers: decodeHeaders(message.headers),
          partition,
          offset: message.offset,
        });
      },
    });
    try {
      await waitFor(
        `${count} records in ${topic}`,
        () => records.length >= count,
        { timeoutMs },
        () => `${records.length} read`,
      );
    } finally {
      await consumer.disconnect();
    }
    return records;
  }

  async cleanup(): Promise<void> {
    await Promise.allSettled(this.buses.map((bus) => bus.stop()));
    await Promise.allSettled(this.consumers.map((consumer) => consumer.disconnect()));
    await this.producer?.disconnect();
  }
}
