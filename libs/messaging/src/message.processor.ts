import { deadLetterTopicFor, DeadLetterErrorCodes, type MessageOf, type TopicContract } from '@argus/contracts';
import type { Sleeper } from './backoff.sleeper';
import { withDeadLetterHeaders } from './dead-letter-headers.builder';
import { describeIssues } from './invalid-message.error';
import { decodeMessage } from './message.codec';
import { decodeHeaders, type RawHeaders } from './message.headers';
import type { MessageTracer } from './message.tracer';
import type { HintMetadata, MessageHandler, MessageMetadata, ReadAhead } from './message-bus.port';
import type { MessagingLogger } from './messaging-logger.port';
import type { RetryPolicy } from './retry.policy';

/** One message as a broker delivers it. */
export interface InboundRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: Buffer | string | null;
  readonly value: Buffer | null;
  readonly headers?: RawHeaders;
}

/** A copy of a failed message for `<topic>.dlq`: original key, value bytes and headers + dlq headers. */
export interface DeadLetterRecord {
  readonly topic: string;
  readonly key: Buffer | string | null;
  readonly value: Buffer | null;
  readonly headers: RawHeaders;
}

/**
 * - `handled`: the handler succeeded → acknowledge.
 * - `dead-lettered`: the message is in the dead-letter topic → acknowledge.
 * - `abandoned`: the subscription is stopping and the handler did not succeed → do NOT acknowledge;
 *   the message is redelivered to the group.
 */
export type ProcessOutcome = 'handled' | 'dead-lettered' | 'abandoned';

/** What an adapter needs from a processor (independent of the topic's message type). */
export interface RecordProcessor {
  process(record: InboundRecord, signal: AbortSignal): Promise<ProcessOutcome>;
  /** Read-ahead: `record` comes later; tells the subscriber's hint if it decodes (see `SubscribeOptions.readAhead`). */
  hint(record: InboundRecord): void;
}

export interface MessageProcessorOptions<T extends TopicContract> {
  readonly topic: T;
  readonly groupId: string;
  readonly handler: MessageHandler<MessageOf<T>>;
  readonly readAhead?: ReadAhead<MessageOf<T>>;
  readonly retry: RetryPolicy;
  /** Writes to the dead-letter topic; rejects when it could not (then nothing is acknowledged). */
  readonly deadLetter: (record: DeadLetterRecord) => Promise<void>;
  readonly sleep: Sleeper;
  readonly logger: MessagingLogger;
  readonly tracer: MessageTracer;
  readonly now?: () => Date;
}

/**
 * The delivery semantics both adapters share, with no I/O of its own: decode and validate, run
 * the handler in the message's trace context, retry with backoff on the same message (keeping the
 * partition's order), dead-letter invalid messages and exhausted or non-retryable failures.
 * The adapter acknowledges (commits) unless the outcome is `abandoned`; a rejected promise (the
 * dead-letter write failed) must not be acknowledged either.
 */
export class MessageProcessor<T extends TopicContract> implements RecordProcessor {
  private readonly now: () => Date;

  constructor(private readonly options: MessageProcessorOptions<T>) {
    this.now = options.now ?? (() => new Date());
  }

  async process(record: InboundRecord, signal: AbortSignal): Promise<ProcessOutcome> {
    const { topic, groupId, handler, retry, sleep, logger, tracer } = this.options;
    const place = this.placeOf(record);
    const { headers, key } = place;
    const where = { topic: record.topic, partition: record.partition, offset: record.offset, groupId };
    const attributes = {
      'messaging.destination.name': record.topic,
      'messaging.destination.partition.id': String(record.partition),
      'messaging.kafka.offset': Number(record.offset),
      'messaging.consumer.group.name': groupId,
    };

    return tracer.process(headers, attributes, async (span) => {
      const decoded = decodeMessage(topic, record.value);
      if (!decoded.ok) {
        const reason = describeIssues(decoded.error.issues);
        logger.error({ ...where, reason }, 'invalid message: dead-lettering it');
        await this.deadLetter(record, key, { errorCode: DeadLetterErrorCodes.invalidMessage, reason, attempts: 0 });
        span.setAttribute('argus.dead-letter.code', DeadLetterErrorCodes.invalidMessage);
        return 'dead-lettered';
      }

      for (let attempt = 1; ; attempt += 1) {
        const metadata: MessageMetadata = { ...place, attempt };
        try {
          await handler(decoded.message, metadata);
          return 'handled';
        } catch (error) {
          if (signal.aborted) {
            logger.warn(
              { ...where, attempt, err: error },
              'handler failed while stopping: leaving the message unacknowledged for redelivery',
            );
            return 'abandoned';
          }
          const decision = retry.decide(error, attempt);
          if (decision.action === 'dead-letter') {
            logger.error({ ...where, attempt, code: decision.code, err: error }, 'handler failed: dead-lettering the message');
            await this.deadLetter(record, key, { errorCode: decision.code, reason: decision.reason, attempts: attempt });
            span.setAttribute('argus.dead-letter.code', decision.code);
            return 'dead-lettered';
          }
          logger.warn({ ...where, attempt, retryInMs: decision.delayMs, err: error }, 'handler failed: retrying');
          await sleep(decision.delayMs, signal);
          if (signal.aborted) {
            logger.warn({ ...where, attempt }, 'stopping between retries: leaving the message unacknowledged for redelivery');
            return 'abandoned';
          }
        }
      }
    });
  }

  hint(record: InboundRecord): void {
    const { readAhead, topic, groupId, logger } = this.options;
    if (!readAhead) return;
    const decoded = decodeMessage(topic, record.value);
    if (!decoded.ok) return; // its turn dead-letters it
    try {
      readAhead.hint(decoded.message, this.placeOf(record));
    } catch (error) {
      logger.warn(
        { topic: record.topic, partition: record.partition, offset: record.offset, groupId, err: error },
        'read-ahead hint failed: ignored (the handler runs in its turn)',
      );
    }
  }

  /** Where a record sits, as handlers and hints see it (key and headers decoded). */
  private placeOf(record: InboundRecord): HintMetadata {
    const key = record.key === null ? null : record.key.toString();
    return {
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      key,
      headers: Object.freeze(decodeHeaders(record.headers)),
      groupId: this.options.groupId,
    };
  }

  private async deadLetter(
    record: InboundRecord,
    key: string | null,
    failure: { errorCode: string; reason: string; attempts: number },
  ): Promise<void> {
    const headers = withDeadLetterHeaders(record.headers, {
      ...failure,
      originalTopic: record.topic,
      originalPartition: record.partition,
      originalOffset: record.offset,
      originalKey: key,
      consumerGroup: this.options.groupId,
      failedAt: this.now(),
    });
    await this.options.deadLetter({ topic: deadLetterTopicFor(record.topic), key: record.key, value: record.value, headers });
  }
}
