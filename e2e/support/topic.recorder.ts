import type { MessageOf, TopicContract } from '@argus/contracts';
import { KafkaMessageBusAdapter, kafkaConfigFromEnv, type MessagingLogger } from '@argus/messaging';

const silent: MessagingLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Keeps every event published on one topic from the moment it started (a fresh consumer group,
 * not from the beginning). Topics are shared by every run on the cluster: tests match by id.
 */
export class TopicRecorder<T> {
  readonly events: T[] = [];
  private readonly bus: KafkaMessageBusAdapter;

  private constructor(private readonly groupId: string) {
    this.bus = new KafkaMessageBusAdapter({
      config: kafkaConfigFromEnv(process.env, { clientId: groupId }),
      logger: silent,
      consumer: { maxWaitTimeMs: 200 },
    });
  }

  static async start<C extends TopicContract>(topic: C, groupId: string): Promise<TopicRecorder<MessageOf<C>>> {
    const recorder = new TopicRecorder<MessageOf<C>>(groupId);
    await recorder.bus.ensureTopics([topic] as const);
    await recorder.bus.subscribe(topic, {
      groupId,
      fromBeginning: false,
      retry: { attempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 },
      handler: (event: MessageOf<C>) => {
        recorder.events.push(event);
      },
    });
    await recorder.bus.start();
    return recorder;
  }

  stop(): Promise<void> {
    return this.bus.stop();
  }
}
