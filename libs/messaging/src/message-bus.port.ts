import type { MessageOf, TopicContract } from '@argus/contracts';
import type { ReadinessCheck } from '@argus/platform';

/**
 * The message bus port. Use cases and consumers depend on this interface only; the Kafka adapter
 * runs in production and the in-memory adapter in unit tests and the zero-install embedded mode.
 * Both give the same guarantees:
 * - `publish` validates against the topic's schema and never sends an invalid message;
 * - delivery is at-least-once: a message is acknowledged only after its handler succeeded or after
 *   it was copied to `<topic>.dlq` (invalid message, non-retryable error, retries exhausted);
 * - messages with the same key are handled one after another, in publish order;
 * - every consumer group receives every message; the members of one group share the messages.
 */
export interface MessageBus {
  /** Creates the topics and their `.dlq` topics with the contract's partitions. Idempotent. */
  ensureTopics(topics: readonly TopicContract[]): Promise<void>;
  /**
   * Validates, then sends. Resolves once the message is stored by the bus (not once it is handled).
   * Throws `InvalidMessageError` (and sends nothing) when the message does not satisfy the schema.
   */
  publish<T extends TopicContract>(topic: T, message: MessageOf<T>, options?: PublishOptions): Promise<void>;
  /**
   * Registers a handler for a consumer group. Before `start()` it is started by `start()`; after
   * `start()` it starts at once. The returned subscription can be stopped on its own.
   */
  subscribe<T extends TopicContract>(topic: T, options: SubscribeOptions<T>): Promise<Subscription>;
  /** Connects and starts every registered subscription. */
  start(): Promise<void>;
  /**
   * Graceful: stops fetching, lets in-flight handlers finish and acknowledges them, abandons (does
   * not acknowledge) messages that are between retries so they are redelivered, then disconnects.
   */
  stop(): Promise<void>;
  /** A readiness probe for the bus's backend; `check()` throws when it does not answer. */
  readinessCheck(): ReadinessCheck;
}

export interface PublishOptions {
  /** Extra headers. `traceparent`, `tracestate` and `argus-event-type` are set by the bus. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface RetryOptions {
  /** Handler attempts in total, including the first (1 = no retry). */
  readonly attempts: number;
  /** Wait before the second attempt; doubles each attempt. */
  readonly initialBackoffMs: number;
  /** Upper bound of the wait between two attempts. */
  readonly maxBackoffMs: number;
}

export interface SubscribeOptions<T extends TopicContract> {
  readonly groupId: string;
  readonly handler: MessageHandler<MessageOf<T>>;
  readonly retry: RetryOptions;
  /** Partitions handled in parallel by this member. Default 1. */
  readonly concurrency?: number;
  /**
   * Messages of ONE partition handled at once, as long as their keys differ: messages with the
   * same key are still handled one after another, in order, and a partition's offsets are
   * acknowledged in order (a message counts as consumed only once every earlier message of its
   * partition is). Default 1: the whole partition in order. Raise it when several keys share a
   * partition and the handler waits on I/O (detection-inference: several cameras per partition).
   * An adapter may handle fewer at once (the in-memory adapter handles one per partition).
   */
  readonly keysInFlightPerPartition?: number;
  /** Where a consumer group that has no committed position starts. Default true (nothing is skipped). */
  readonly fromBeginning?: boolean;
  /**
   * Read-ahead: while a message is handled, the bus tells `hint` about the next valid messages of
   * the same key (up to `messagesPerKey` of them) that it already holds, so the handler can start
   * work on them early (fetch an object, queue a frame for the model). Handlers still run one per
   * key, in order, and are the only place where anything may be written: a hinted message can be
   * redelivered, reassigned to another member or never handled here. A hint that throws is logged
   * and ignored. Adapters that cannot see ahead never hint: the in-memory one, and Kafka with
   * `keysInFlightPerPartition` 1.
   */
  readonly readAhead?: ReadAhead<MessageOf<T>>;
  /**
   * Told this member's partitions of the topic each time the group assigns them (Kafka: after every
   * group join, before anything of the new assignment is handled). A handler that keeps state per
   * key learns here that keys may have moved: state from before may be stale, since another member
   * may have handled those keys meanwhile. A callback that throws is logged and ignored. Adapters
   * that do not pin partitions to members never call it: the in-memory one hands each message to
   * any free member of the group.
   */
  readonly onAssignment?: (partitions: readonly number[]) => void;
}

export interface ReadAhead<M> {
  readonly messagesPerKey: number;
  readonly hint: (message: M, metadata: HintMetadata) => void;
}

/** Where a hinted message sits (no attempt yet: its handler has not run). */
export type HintMetadata = Omit<MessageMetadata, 'attempt'>;

/**
 * Handles one parsed, schema-valid message. Runs inside the trace context that came with the
 * message. Throw to retry (with backoff); throw `NonRetryableError` to dead-letter at once.
 */
export type MessageHandler<M> = (message: M, metadata: MessageMetadata) => Promise<void> | void;

export interface MessageMetadata {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are 64-bit: kept as a decimal string. */
  readonly offset: string;
  readonly key: string | null;
  /** Headers as UTF-8 strings (the last value wins when a header repeats). */
  readonly headers: Readonly<Record<string, string>>;
  /** 1 for the first delivery to the handler, 2 for the first retry, ... */
  readonly attempt: number;
  readonly groupId: string;
}

export interface Subscription {
  readonly topic: string;
  readonly groupId: string;
  /** Graceful stop of this subscription alone (same semantics as `MessageBus.stop`). */
  stop(): Promise<void>;
}
