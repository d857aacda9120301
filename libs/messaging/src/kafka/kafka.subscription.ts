import type { Consumer, EachBatchPayload, EachMessagePayload, Kafka, KafkaMessage } from 'kafkajs';
import type { RecordProcessor } from '../message.processor';
import type { Subscription } from '../message-bus.port';
import type { MessagingLogger } from '../messaging-logger.port';
import { RequestCoalescer } from '@argus/platform';

interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to read (the handled message's + 1). */
  readonly offset: string;
}

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
   * `keysInFlightPerPartition` > 1: one fetched batch of a partition, its keys in parallel (up to
   * the limit), each key's messages in order. The partition's offsets are committed in order: after
   * each message, the longest prefix of the batch that is done (handled or dead-lettered) is
   * committed — one commit at a time, coalesced. A message left abandoned (stopping), a failed
   * dead-letter write or a rebalance stops launching new messages; what follows the committed
   * prefix is fetched again (at-least-once: a later message of another key may run twice).
   * Read-ahead: as a key's message starts, the next `readAheadPerKey` messages of that key in the
   * batch are hinted to the processor (each once), so their side-effect-free work overlaps this one.
   */
  private async handleBatch({ batch, resolveOffset, heartbeat, pause, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { logger, tuning, keysInFlightPerPartition, readAheadPerKey } = this.options;
    const { topic, partition, messages } = batch;
    if (this.abort.signal.aborted) {
      pause();
      return;
    }
    const byKey = new Map<string, number[]>();
    messages.forEach((message, index) => {
      const key = message.key === null ? '\u0000no-key' : message.key.toString('hex');
      const queue = byKey.get(key);
      if (queue) queue.push(index);
      else byKey.set(key, [index]);
    });
    const queues = [...byKey.values()];
    const done = new Array<boolean>(messages.length).fill(false);
    let prefix = 0; // messages[0..prefix) are done
    let committed = 0;
    let stopped = false;
    let abandoned = false;
    let failure: unknown;
    let commits: Promise<void> = Promise.resolve();
    const commitPrefix = () => {
      commits = commits.then(async () => {
        if (prefix <= committed) return;
        const last = messages[prefix - 1] as KafkaMessage;
        committed = prefix;
        resolveOffset(last.offset);
        try {
          await this.commits.submit({ topic, partition, offset: (BigInt(last.offset) + 1n).toString() });
        } catch (error) {
          failure ??= error;
          stopped = true;
        }
      });
    };
    let heartbeatFailureLogged = false;
    const keepAlive = setInterval(() => {
      heartbeat().catch((error: unknown) => {
        if (heartbeatFailureLogged) return;
        heartbeatFailureLogged = true;
        logger.info({ topic, partition, groupId: this.groupId, err: error }, 'heartbeat during a running batch failed');
      });
    }, tuning.handlerHeartbeatMs ?? 1_000);
    let nextQueue = 0;
    const worker = async () => {
      while (!stopped && nextQueue < queues.length) {
        const queue = queues[nextQueue++] as number[];
        let hinted = 0; // queue[0..hinted) were hinted or handled
        for (const [position, index] of queue.entries()) {
          if (stopped || this.abort.signal.aborted || !isRunning() || isStale()) {
            stopped = true;
            break;
          }
          hinted = Math.max(hinted, position + 1);
          for (; hinted < Math.min(queue.length, position + 1 + readAheadPerKey); hinted++) {
            const ahead = messages[queue[hinted] as number] as KafkaMessage;
            this.options.processor.hint({
              topic,
              partition,
              offset: ahead.offset,
              key: ahead.key,
              value: ahead.value,
              headers: ahead.headers,
            });
          }
          const message = messages[index] as KafkaMessage;
          try {
            const outcome = await this.options.processor.process(
              { topic, partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers },
              this.abort.signal,
            );
            if (outcome === 'abandoned') {
              abandoned = true;
              stopped = true;
              break;
            }
          } catch (error) {
            failure ??= error;
            stopped = true;
            break;
          }
          done[index] = true;
          while (prefix < messages.length && done[prefix]) prefix++;
          commitPrefix();
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(keysInFlightPerPartition, queues.length) }, worker));
      commitPrefix();
      await commits;
    } finally {
      clearInterval(keepAlive);
    }
    if (failure !== undefined) throw failure;
    if (abandoned) pause();
  }

  private async handle({ topic, partition, message, heartbeat, pause }: EachMessagePayload): Promise<void> {
    const { processor, tuning, logger } = this.options;
    let heartbeatFailureLogged = false;
    const keepAlive = setInterval(() => {
      heartbeat().catch((error: unknown) => {
        // Usually a rebalance started: kafkajs rejoins once this message is done; if the partition
        // moved meanwhile, the commit fails and the message is redelivered (at-least-once).
        if (heartbeatFailureLogged) return;
        heartbeatFailureLogged = true;
        logger.info(
          { topic, partition, offset: message.offset, groupId: this.groupId, err: error },
          'heartbeat during a running handler failed',
        );
      });
    }, tuning.handlerHeartbeatMs ?? 1_000);
    let outcome;
    try {
      outcome = await processor.process(
        { topic, partition, offset: message.offset, key: message.key, value: message.value, headers: message.headers },
        this.abort.signal,
      );
    } finally {
      clearInterval(keepAlive);
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
