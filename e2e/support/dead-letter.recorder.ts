import { DeadLetterHeaders, deadLetterTopicFor, type FrameIngestedV1, Topics } from '@argus/contracts';
import { KafkaMessageBusAdapter, kafkaConfigFromEnv, type MessagingLogger } from '@argus/messaging';

export interface DeadFrame {
  readonly frameId: string;
  readonly errorCode: string | undefined;
  readonly reason: string | undefined;
  readonly consumerGroup: string | undefined;
}

const silent: MessagingLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * Reads `inspection.frame.ingested.v1.dlq` with a fresh consumer group (from the moment it
 * started), keeping every dead-lettered frame event with its dead-letter headers. The topic is
 * shared by every run on the cluster: match by frame id.
 */
export class DeadLetterRecorder {
  readonly frames: DeadFrame[] = [];
  private readonly bus: KafkaMessageBusAdapter;

  private constructor(private readonly groupId: string) {
    this.bus = new KafkaMessageBusAdapter({
      config: kafkaConfigFromEnv(process.env, { clientId: groupId }),
      logger: silent,
      consumer: { maxWaitTimeMs: 200 },
    });
  }

  static async start(groupId: string): Promise<DeadLetterRecorder> {
    const recorder = new DeadLetterRecorder(groupId);
    const topic: typeof Topics.frameIngested = { ...Topics.frameIngested, name: deadLetterTopicFor(Topics.frameIngested.name) };
    await recorder.bus.ensureTopics([Topics.frameIngested, topic] as const);
    await recorder.bus.subscribe(topic, {
      groupId: recorder.groupId,
      fromBeginning: false,
      retry: { attempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 },
      handler: (event: FrameIngestedV1, metadata) => {
        recorder.frames.push({
          frameId: event.frameId,
          errorCode: metadata.headers[DeadLetterHeaders.errorCode],
          reason: metadata.headers[DeadLetterHeaders.reason],
          consumerGroup: metadata.headers[DeadLetterHeaders.consumerGroup],
        });
      },
    });
    await recorder.bus.start();
    return recorder;
  }

  /** The frame's dead letter from `consumerGroup`: other runs' consumers on the shared topic may dead-letter it too. */
  find(frameId: string, consumerGroup: string): DeadFrame | undefined {
    return this.frames.find((f) => f.frameId === frameId && f.consumerGroup === consumerGroup);
  }

  /** Every dead letter written by `consumerGroup`. */
  from(consumerGroup: string): DeadFrame[] {
    return this.frames.filter((f) => f.consumerGroup === consumerGroup);
  }

  stop(): Promise<void> {
    return this.bus.stop();
  }
}
