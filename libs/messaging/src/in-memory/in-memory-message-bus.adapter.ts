import { deadLetterTopicFor, type MessageOf, type TopicContract } from '@argus/contracts';
import type { ReadinessCheck } from '@argus/platform';
import { realSleeper, type Sleeper } from '../backoff.sleeper';
import { ConsoleJsonLogger } from '../console-json.logger';
import { encodeMessage } from '../message.codec';
import { BusHeaders } from '../message.headers';
import { MessageProcessor } from '../message.processor';
import { MessageTracer } from '../message.tracer';
import type { MessageBus, PublishOptions, SubscribeOptions, Subscription } from '../message-bus.port';
import type { MessagingLogger } from '../messaging-logger.port';
import type { PipelineHealth, PipelineHealthReader } from '../pipeline-health.port';
import { validateSubscribeOptions } from '../subscribe-options.validator';
import type { DeadLetterJournal, JournaledDeadLetter } from './dead-letter.journal';
import { InMemoryBroker, type StoredRecord } from './in-memory.broker';
import { InMemorySubscription } from './in-memory.subscription';

export interface InMemoryMessageBusOptions {
  /** Share one broker between several buses (one per embedded service). Default: a private broker. */
  readonly broker?: InMemoryBroker;
  readonly logger?: MessagingLogger;
  /** Backoff waits between retries; pass `noSleeper` in unit tests. */
  readonly sleep?: Sleeper;
  /** Keeps dead letters beyond the process (the embedded mode's data folder); default: memory only. */
  readonly deadLetterJournal?: DeadLetterJournal;
}

/**
 * The message bus in one process, with the Kafka adapter's semantics: schema validation on both
 * ends, asynchronous delivery, consumer groups, per-key order, bounded retries with backoff,
 * dead-letter topics (readable with `deadLetters()`), at-least-once acknowledgement and W3C trace
 * context in headers. For unit tests and the zero-install embedded mode.
 */
export class InMemoryMessageBusAdapter implements MessageBus, PipelineHealthReader {
  readonly broker: InMemoryBroker;
  private readonly logger: MessagingLogger;
  private readonly sleep: Sleeper;
  private readonly tracer = new MessageTracer('in-memory');
  private readonly subscriptions = new Set<InMemorySubscription>();
  private readonly groupTopics = new Map<string, string>();
  private state: 'created' | 'started' | 'stopping' | 'stopped' = 'created';
  private readonly journal: DeadLetterJournal | undefined;
  /** The journal's dead letters not yet back in their topic (read once, on the first ensureTopics). */
  private journaled: Promise<Map<string, JournaledDeadLetter[]>> | undefined;

  constructor(options: InMemoryMessageBusOptions = {}) {
    this.logger = options.logger ?? new ConsoleJsonLogger();
    this.broker = options.broker ?? new InMemoryBroker({ logger: this.logger });
    this.sleep = options.sleep ?? realSleeper;
    this.journal = options.deadLetterJournal;
  }

  async ensureTopics(topics: readonly TopicContract[]): Promise<void> {
    for (const topic of topics) {
      this.broker.createTopic(topic.name, topic.partitions);
      this.broker.createTopic(deadLetterTopicFor(topic.name), topic.partitions);
    }
    await this.restoreDeadLetters(topics.map((topic) => deadLetterTopicFor(topic.name)));
  }

  async publish<T extends TopicContract>(topic: T, message: MessageOf<T>, options: PublishOptions = {}): Promise<void> {
    this.assertUsable('publish');
    const encoded = encodeMessage(topic, message);
    await this.tracer.publish(topic.name, async (traceHeaders) => {
      this.broker.append(topic.name, {
        key: encoded.key,
        value: encoded.value,
        headers: { ...options.headers, ...traceHeaders, [BusHeaders.eventType]: topic.name },
      });
    });
  }

  async subscribe<T extends TopicContract>(topic: T, options: SubscribeOptions<T>): Promise<Subscription> {
    this.assertUsable('subscribe');
    const valid = validateSubscribeOptions(topic, options, this.groupTopics);
    const processor = new MessageProcessor<T>({
      topic,
      groupId: valid.groupId,
      handler: options.handler,
      retry: valid.retry,
      deadLetter: async (record) => {
        await this.journal?.append(record); // kept before the message is acknowledged
        this.broker.append(record.topic, {
          key: record.key === null ? null : record.key.toString(),
          value: record.value,
          headers: record.headers,
        });
      },
      sleep: this.sleep,
      logger: this.logger,
      tracer: this.tracer,
    });
    const subscription = new InMemorySubscription(
      this.broker,
      topic.name,
      valid.groupId,
      valid.concurrency,
      valid.fromBeginning,
      processor,
      (stopped) => this.subscriptions.delete(stopped),
    );
    this.groupTopics.set(valid.groupId, topic.name);
    this.subscriptions.add(subscription);
    if (this.state === 'started') subscription.start();
    return subscription;
  }

  async start(): Promise<void> {
    this.assertUsable('start');
    for (const subscription of this.subscriptions) {
      if (!this.broker.hasTopic(subscription.topic)) {
        throw new Error(`cannot start: topic "${subscription.topic}" does not exist; call ensureTopics() first`);
      }
    }
    this.state = 'started';
    for (const subscription of this.subscriptions) subscription.start();
  }

  /** Stops every subscription; in-flight handlers may still publish until they are done. */
  async stop(): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    this.state = 'stopping';
    try {
      await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    } finally {
      this.state = 'stopped';
    }
  }

  readinessCheck(): ReadinessCheck {
    return {
      name: 'in-memory-bus',
      check: async () => {
        if (this.state === 'stopping' || this.state === 'stopped') throw new Error(`in-memory message bus is ${this.state}`);
      },
    };
  }

  async pipelineHealth(): Promise<PipelineHealth> {
    return this.broker.pipelineHealth();
  }

  /** Resolves when every started group has handled every message and nothing is in flight. */
  idle(timeoutMs?: number): Promise<void> {
    return this.broker.idle(timeoutMs);
  }

  /** The records in `<topic>.dlq`: original key, value bytes and headers plus the dead-letter headers. */
  deadLetters(topic: TopicContract | string): StoredRecord[] {
    return this.broker.records(deadLetterTopicFor(typeof topic === 'string' ? topic : topic.name));
  }

  /** Puts the journal's dead letters of these (just created) `.dlq` topics back, once. */
  private async restoreDeadLetters(deadLetterTopics: readonly string[]): Promise<void> {
    if (!this.journal) return;
    const journal = this.journal;
    this.journaled ??= journal.load().then((records) => {
      const byTopic = new Map<string, JournaledDeadLetter[]>();
      for (const record of records) byTopic.set(record.topic, [...(byTopic.get(record.topic) ?? []), record]);
      return byTopic;
    });
    const pending = await this.journaled;
    for (const topic of deadLetterTopics) {
      for (const record of pending.get(topic) ?? [])
        this.broker.append(topic, { key: record.key, value: record.value, headers: { ...record.headers } });
      pending.delete(topic);
    }
  }

  private assertUsable(action: string): void {
    if (this.state === 'stopped') throw new Error(`cannot ${action}: the message bus is stopped`);
    if (this.state === 'stopping' && action !== 'publish') throw new Error(`cannot ${action}: the message bus is stopping`);
  }
}
