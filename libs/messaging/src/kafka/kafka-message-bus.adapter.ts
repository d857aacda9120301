import type { MessageOf, TopicContract } from '@argus/contracts';
import type { ReadinessCheck } from '@argus/platform';
import { Kafka, logLevel, type Message, Partitioners, type Producer } from 'kafkajs';
import { realSleeper, type Sleeper } from '../backoff.sleeper';
import { ConsoleJsonLogger } from '../console-json.logger';
import type { KafkaConfig } from '../kafka.config';
import { encodeMessage } from '../message.codec';
import { BusHeaders } from '../message.headers';
import { MessageProcessor } from '../message.processor';
import { MessageTracer } from '../message.tracer';
import type { MessageBus, PublishOptions, SubscribeOptions, Subscription } from '../message-bus.port';
import type { MessagingLogger } from '../messaging-logger.port';
import type { PipelineHealth, PipelineHealthReader } from '../pipeline-health.port';
import { readKafkaPipelineHealth } from './kafka-pipeline-health.reader';
import { validateSubscribeOptions } from '../subscribe-options.validator';
import { kafkaLogCreator, KafkaSettlingWindow } from './kafka-logger.adapter';
import { kafkaReadinessCheck } from './kafka-readiness.check';
import { KafkaSubscription, type KafkaConsumerTuning } from './kafka.subscription';
import { KafkaTopicAdmin } from './kafka-topic.admin';
import { RequestCoalescer } from '@argus/platform';
import { NonRetryableError } from '../non-retryable.error';

/** Largest record (key + value + headers) a publish sends; Kafka's default limit is ≈ 1 MiB per batch. */
export const DEFAULT_MAX_RECORD_BYTES = 1_000_000;

/** Broker answers that concern one record, not the request: retrying it alone tells which. */
const RECORD_ERROR_TYPES = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TIMESTAMP',
]);

export interface KafkaMessageBusOptions {
  readonly config: KafkaConfig;
  /** pino-compatible; default: JSON lines on stdout/stderr. kafkajs' own WARN/ERROR logs go here too. */
  readonly logger?: MessagingLogger;
  readonly consumer?: KafkaConsumerTuning;
  /** Backoff waits between handler retries (tests may shorten them). */
  readonly sleep?: Sleeper;
  /** Largest record a publish sends (default DEFAULT_MAX_RECORD_BYTES); a larger one fails alone, not retryable. */
  readonly maxRecordBytes?: number;
  /**
   * Producer retries of one send (publish and dead-letter writes). Default: 8 retries from 300 ms
   * up to 10 s apart, about a minute, so a publish to an unreachable cluster fails instead of hanging.
   */
  readonly producerRetry?: { readonly retries: number; readonly initialRetryTimeMs: number; readonly maxRetryTimeMs: number };
}

/**
 * The message bus on Kafka (kafkajs). Idempotent producer (acks=all, one request in flight) keyed
 * by `topic.keyOf(message)`, so one camera's frames stay in one partition, in order. Publishes
 * made together (or while a produce is in flight) share one produce request per topic (RequestCoalescer). Each
 * subscription is one consumer-group member with explicit commits after success (at-least-once),
 * in-process retries with backoff, and `<topic>.dlq` for what cannot be handled.
 */
export class KafkaMessageBusAdapter implements MessageBus, PipelineHealthReader {
  private readonly kafka: Kafka;
  private readonly logger: MessagingLogger;
  private readonly sleep: Sleeper;
  private readonly tracer = new MessageTracer('kafka');
  private readonly subscriptions = new Set<KafkaSubscription>();
  private readonly groupTopics = new Map<string, string>();
  private producer: Promise<Producer> | undefined;
  /**
   * Every write (publish and dead letter) goes through its topic's outbox: records of one topic
   * sent together share one produce request. One outbox per topic, so a topic in trouble (say, a
   * dead-letter topic someone deleted) never holds up the others.
   */
  private readonly outboxes = new Map<string, RequestCoalescer<Message>>();
  private state: 'created' | 'started' | 'stopping' | 'stopped' = 'created';
  /** Topic creation and start-up: kafkajs' expected answers meanwhile are logged as info, not errors. */
  private readonly settling = new KafkaSettlingWindow();

  constructor(private readonly options: KafkaMessageBusOptions) {
    this.logger = options.logger ?? new ConsoleJsonLogger();
    this.sleep = options.sleep ?? realSleeper;
    this.kafka = new Kafka({
      clientId: options.config.clientId,
      brokers: [...options.config.brokers],
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator(this.logger, this.settling),
    });
  }

  async ensureTopics(topics: readonly TopicContract[]): Promise<void> {
    await this.settling.during(() => new KafkaTopicAdmin(this.kafka, this.logger).ensureTopics(topics));
  }

  async publish<T extends TopicContract>(topic: T, message: MessageOf<T>, options: PublishOptions = {}): Promise<void> {
    this.assertUsable('publish');
    const encoded = encodeMessage(topic, message);
    await this.tracer.publish(topic.name, (traceHeaders) =>
      this.send(topic.name, {
        key: encoded.key,
        value: encoded.value,
        headers: { ...options.headers, ...traceHeaders, [BusHeaders.eventType]: topic.name },
      }),
    );
  }

  /** Queues one record on its topic's outbox; a record over the size limit fails at once, alone. */
  private send(topic: string, message: Message): Promise<void> {
    const bytes = recordBytes(message);
    const limit = this.options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
    if (bytes > limit) {
      return Promise.reject(
        new NonRetryableError(`a ${bytes}-byte record for ${topic} exceeds the ${limit}-byte limit`, { code: 'record-too-large' }),
      );
    }
    let outbox = this.outboxes.get(topic);
    if (!outbox) {
      // A record the broker refuses (too large, invalid) is sent again alone, so only it fails.
      outbox = new RequestCoalescer<Message>((messages) => this.sendTogether(topic, messages), { retryAloneWhen: isRecordError });
      this.outboxes.set(topic, outbox);
    }
    return outbox.submit(message);
  }

  /** One produce request for the topic's records, in order. */
  private async sendTogether(topic: string, messages: readonly Message[]): Promise<void> {
    const producer = await this.connectedProducer();
    await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages: [...messages] }] });
  }

  async subscribe<T extends TopicContract>(topic: T, options: SubscribeOptions<T>): Promise<Subscription> {
    this.assertUsable('subscribe');
    const valid = validateSubscribeOptions(topic, options, this.groupTopics);
    const processor = new MessageProcessor<T>({
      topic,
      groupId: valid.groupId,
      handler: options.handler,
      ...(options.readAhead ? { readAhead: options.readAhead } : {}),
      retry: valid.retry,
      deadLetter: (record) => this.send(record.topic, { key: record.key, value: record.value, headers: record.headers }),
      sleep: this.sleep,
      logger: this.logger,
      tracer: this.tracer,
    });
    const subscription = new KafkaSubscription({
      kafka: this.kafka,
      topic: topic.name,
      groupId: valid.groupId,
      concurrency: valid.concurrency,
      keysInFlightPerPartition: valid.keysInFlightPerPartition,
      readAheadPerKey: valid.readAheadPerKey,
      fromBeginning: valid.fromBeginning,
      ...(options.onAssignment ? { onAssignment: options.onAssignment } : {}),
      processor,
      tuning: this.options.consumer ?? {},
      logger: this.logger,
      onStopped: (stopped) => this.subscriptions.delete(stopped),
    });
    this.groupTopics.set(valid.groupId, topic.name);
    this.subscriptions.add(subscription);
    if (this.state === 'started') await subscription.start();
    return subscription;
  }

  async start(): Promise<void> {
    this.assertUsable('start');
    if (this.state === 'started') return;
    await this.settling.during(async () => {
      await this.connectedProducer();
      await Promise.all([...this.subscriptions].map((subscription) => subscription.start()));
    });
    this.state = 'started';
  }

  /** Stops every subscription (in-flight handlers may still publish), then flushes and disconnects the producer. */
  async stop(): Promise<void> {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    this.state = 'stopping';
    try {
      await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    } finally {
      const producer = this.producer;
      this.producer = undefined;
      this.state = 'stopped';
      if (producer)
        await producer.then(
          (p) => p.disconnect(),
          () => undefined,
        );
    }
  }

  readinessCheck(): ReadinessCheck {
    return kafkaReadinessCheck(this.options.config);
  }

  pipelineHealth(): Promise<PipelineHealth> {
    return readKafkaPipelineHealth(this.kafka);
  }

  private connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const retry = this.options.producerRetry ?? { retries: 8, initialRetryTimeMs: 300, maxRetryTimeMs: 10_000 };
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: { retries: retry.retries, initialRetryTime: retry.initialRetryTimeMs, maxRetryTime: retry.maxRetryTimeMs },
      });
      const connecting = producer.connect().then(() => producer);
      connecting.catch(() => {
        if (this.producer === connecting) this.producer = undefined;
      });
      this.producer = connecting;
    }
    return this.producer;
  }

  private assertUsable(action: string): void {
    if (this.state === 'stopped') throw new Error(`cannot ${action}: the message bus is stopped`);
    if (this.state === 'stopping' && action !== 'publish') throw new Error(`cannot ${action}: the message bus is stopping`);
  }
}

/** Key, value and header bytes of a record (what counts against the broker's size limit). */
function recordBytes(message: Message): number {
  const size = (v: Buffer | string | null | undefined) => (v == null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v.length);
  let bytes = size(message.key) + size(message.value as Buffer | string | null);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    bytes += Buffer.byteLength(name);
    for (const v of Array.isArray(value) ? value : [value]) bytes += size(v as Buffer | string | undefined);
  }
  return bytes;
}

/** A broker error about one record of the request (kafkajs may wrap it: its cause chain is searched). */
function isRecordError(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && RECORD_ERROR_TYPES.has(type)) return true;
    e = (e as { originalError?: unknown; cause?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  }
  return false;
}
