import type { MessageOf, TopicContract } from '@argus/contracts';
import type { MessageBus } from '@argus/messaging';

/** Records what is published, after checking it against its topic's schema (as the real bus does); can be made to fail. */
export class RecordingBus implements Pick<MessageBus, 'publish'> {
  readonly published: { topic: string; message: unknown }[] = [];
  failNext = 0;

  async publish<T extends TopicContract>(topic: T, message: MessageOf<T>): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('Kafka is down');
    }
    this.published.push({ topic: topic.name, message: topic.schema.parse(message) });
  }

  of<T extends TopicContract>(topic: T): MessageOf<T>[] {
    return this.published.filter((p) => p.topic === topic.name).map((p) => p.message as MessageOf<T>);
  }

  clear(): void {
    this.published.length = 0;
  }
}
