import type { Consumer, EachBatchPayload, EachMessagePayload, Kafka } from 'kafkajs';
import type { RecordProcessor } from '../message.processor';
import type { Subscription } from '../message-bus.port';
import type { MessagingLogger } from '../messaging-logger.port';
import { RequestCoalescer } from '@argus/platform';
import { inboundRecordOf, PartitionBatchRunner, type PartitionOffset } from './partition-batch.runner';

/** Consumer-group timing. Defaults are kafkajs' (session 30 s, rebalance 60 s, heartbeat 3 s). */
export interface KafkaConsumerTuning {
  readonly sessionTimeoutMs?: number;
  readonly rebalanceTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  /** Longest a fetch waits for data; bounds how long `stop()` waits for the fetch loop. Default 1000. */
  readonly maxWaitTimeMs?: number;
  /** How often a running handler sends a group heartbeat. Default 1000 (kafkajs sends at most one per heartbeatInterval). */
  readonly handlerHeartbeatMs?: number;
  /** `stop()` waits at most this long for in-flight handlers, then disconnects (they are redelivered). Default 30000. */
  readonly shutdownTimeoutMs?: number;
}

export interface KafkaSubscriptionOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly groupId: string;
  readonly concurrency: number;
  /** Messages of one partition handled at once when their keys differ (1: the partition in order). */
  readonly keysInFlightPerPartition: number;
  /** Messages of a key hinted to the processor ahead of the one handled (0: none; needs keysInFlightPerPartition > 1). */
  readonly readAheadPerKey: number;
  readonly fromBeginning: boolean;
  /** SubscribeOptions.onAssignment. */
  readonly onAssignment?: (partitions: readonly number[]) => void;
  readonly processor: RecordProcessor;
  readonly tuning: KafkaConsumerTuning;
  readonly logger: MessagingLogger;
  readonly onStopped: (subscription: KafkaSubscription) => void;
}

/**
 * One consumer-group member for one topic. Offsets are committed only after the handler
 * succeeded or the message was dead-lettered (`autoCommit: false`, explicit commit of offset+1;
 * partitions finishing together share one OffsetCommit request);
 * a failing dead-letter write throws out of `eachMessage`, so kafkajs fetches the message again.
 * While a handler runs (and between its retries) the member keeps heartbeating, so a handler
 * slower than the session timeout does not get it evicted from the group.
 */
export class KafkaSubscription implements Subscription {
  readonly topic: string;
  readonly groupId: string;
  private readonly abort = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private consumer: Consumer | undefined;
  private stopping: Promise<void> | undefined;
  /** Commits of partitions finishing together go out as one OffsetCommit request. */
  private readonly commits = new RequestCoalescer<PartitionOffset>((offsets) => this.commitTogether(offsets));

  constructor(private readonly options: KafkaSubscriptionOptions) {
    this.topic = options.topic;
    this.groupId = options.groupId;
  }

  /** Joins the group; resolves once this member has its partitions and the fetch loop runs. */
  async start(): Promise<void> {
    if (this.stopping) throw new Error(`subscription ${this.groupId}@${this.topic} was stopped; subscribe again`);
    if (this.consumer) return;
    const { kafka, groupId, tuning, logger } = this.options;
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: tuning.sessionTimeoutMs ?? 30_000,
      rebalanceTimeout: tuning.rebalanceTimeoutMs ?? 60_000,
      heartbeatInterval: tuning.heartbeatIntervalMs ?? 3_000,
      maxWaitTimeInMs: tuning.maxWaitTimeMs ?? 1_000,
      allowAutoTopicCreation: false,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      const log = payload.restart ? logger.warn.bind(logger) : logger.error.bind(logger);
      log(
        { topic: this.topic, groupId, err: payload.error, restart: payload.restart },
        payload.restart ? 'consumer crashed: restarting' : 'consumer crashed and will not restart',
      );
    });
    const { onAssignment } = this.options;
    if (onAssignment) {
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        const partitions = [...(payload.memberAssignment[this.topic] ?? [])].sort((a, b) => a - b);
        try {
          onAssignment(partitions);
        } catch (error) {
          logger.error({ topic: this.topic, groupId, partitions, err: error }, 'onAssignment threw: ignored');
        }
      });
    }
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [this.topic], fromBeginning: this.options.fromBeginning });
      await consumer.run(
        this.options.keysInFlightPerPartition > 1
          ? {
              autoCommit: false,
              eachBatchAutoResolve: false,
              partitionsConsumedConcurrently: this.options.concurrency,
              eachBatch: (payload) => this.track(this.handleBatch(payload)),
            }
          : {
              autoCommit: false,
              partitionsConsumedConcurrently: this.options.concurrency,
              eachMessage: (payload) => this.onMessage(payload),
            },
      );
    } catch (error) {
      this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Stops fetching, aborts retry waits (those messages stay uncommitted and are redelivered), waits
   * for in-flight handlers and their commits, then leaves the group and disconnects.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const { logger, tuning } = this.options;
    this.abort.abort();
    const timeoutMs = tuning.shutdownTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      Promise.allSettled([...this.inFlight]).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!settled) {
      logger.warn(
        { topic: this.topic, groupId: this.groupId, inFlight: this.inFlight.size, timeoutMs },
        'handlers still running at shutdown: disconnecting; their messages will be redelivered',
      );
    }
    try {
      await this.consumer?.disconnect();
    } finally {
      this.options.onStopped(this);
    }
  }

  private async onMessage(payload: EachMessagePayload): Promise<void> {
    if (this.abort.signal.aborted) {
      // Stopping: leave it uncommitted (it is redelivered) and stop fetching this partition.
      payload.pause();
      return;
    }
    await this.track(this.handle(payload));
  }

  private async track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    try {
      await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  /**
   * `keysInFlightPerPartition` > 1: one fetched batch of a partition, handled by a
   * PartitionBatchRunner (its keys in parallel, offsets committed in order) while the member keeps
   * heartbeating. The runner's first error is rethrown, so kafkajs fetches from the committed prefix
   * again; an abandoned message (stopping) pauses the partition.
   */
  private async handleBatch({ batch, resolveOffset, heartbeat, pause, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { logger, keysInFlightPerPartition, readAheadPerKey, processor } = this.options;
    const { topic, partition } = batch;
    if (this.abort.signal.aborted) {
      pause();
      return;
    }
    const runner = new PartitionBatchRunner(
      { batch, resolveOffset, isRunning, isStale },
      {
        processor,
        keysInFlight: keysInFlightPerPartition,
        readAheadPerKey,
        signal: this.abort.signal,
        commit: (offset) => this.commits.submit(offset),
      },
    );
    const stopHeartbeat = this.keepHeartbeating(heartbeat, (error) =>
      logger.info({ topic, partition, groupId: this.groupId, err: error }, 'heartbeat during a running batch failed'),
    );
    try {
      await runner.run();
    } finally {
      stopHeartbeat();
    }
    if (runner.failure !== undefined) throw runner.failure;
    if (runner.abandoned) pause();
  }

  /**
   * Sends a group heartbeat every `handlerHeartbeatMs` while a handler runs, so a handler slower
   * than the session timeout does not get the member evicted; reports only the first failure.
   * Returns the function that stops it.
   */
  private keepHeartbeating(heartbeat: () => Promise<void>, onFirstFailure: (error: unknown) => void): () => void {
    let failureReported = false;
    const keepAlive = setInterval(() => {
      heartbeat().catch((error: unknown) => {
        if (failureReported) return;
        failureReported = true;
        onFirstFailure(error);
      });
    }, this.options.tuning.handlerHeartbeatMs ?? 1_000);
    return () => clearInterval(keepAlive);
  }

  private async handle({ topic, partition, message, heartbeat, pause }: EachMessagePayload): Promise<void> {
    const { processor, logger } = this.options;
    // A failure usually means a rebalance started: kafkajs rejoins once this message is done; if the
    // partition moved meanwhile, the commit fails and the message is redelivered (at-least-once).
    const stopHeartbeat = this.keepHeartbeating(heartbeat, (error) =>
      logger.info(
        { topic, partition, offset: message.offset, groupId: this.groupId, err: error },
        'heartbeat during a running handler failed',
      ),
    );
    let outcome;
    try {
      outcome = await processor.process(inboundRecordOf(topic, partition, message), this.abort.signal);
    } finally {
      stopHeartbeat();
    }
    if (outcome === 'abandoned') {
      pause();
      return;
    }
    await this.commits.submit({ topic, partition, offset: (BigInt(message.offset) + 1n).toString() });
  }

  /** The highest offset of each partition among those queued, in one request. */
  private async commitTogether(offsets: readonly PartitionOffset[]): Promise<void> {
    const highest = new Map<string, PartitionOffset>();
    for (const o of offsets) {
      const key = `${o.topic}\u0000${o.partition}`;
      const seen = highest.get(key);
      if (!seen || BigInt(o.offset) > BigInt(seen.offset)) highest.set(key, o);
    }
    await this.consumer?.commitOffsets([...highest.values()].map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset })));
  }
}
