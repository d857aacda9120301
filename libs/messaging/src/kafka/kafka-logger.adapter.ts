import { logLevel, type logCreator } from 'kafkajs';
import type { MessagingLogger } from '../messaging-logger.port';

/**
 * Broker answers a client gets while topics are being created and their partitions elect leaders:
 * a topic another client created first, metadata that does not list a new partition yet, a
 * partition still without a leader. kafkajs retries them (or, for the topic another client
 * created, treats it as done) and logs each at ERROR, so every start-up on a fresh cluster
 * printed errors for what is expected. Only while the bus is settling, see `KafkaSettlingWindow`.
 */
const SETTLING_ANSWERS = new Set([
  'Topic creation errors', // CreateTopics, e.g. TOPIC_ALREADY_EXISTS when services create the same topics at once
  'This server does not host this topic-partition', // UNKNOWN_TOPIC_OR_PARTITION
  'There is no leader for this topic-partition as we are in the middle of a leadership election', // LEADER_NOT_AVAILABLE
  'This server is not the leader for that topic-partition', // NOT_LEADER_FOR_PARTITION
]);

export type KafkaLogLevel = 'error' | 'warn' | 'info';

/** A kafkajs log entry, as its logCreator receives it. */
export interface KafkaLogEntry {
  readonly namespace: string;
  readonly level: logLevel;
  readonly log: { readonly message: string } & Record<string, unknown>;
}

/**
 * The level a kafkajs entry is logged at: its own, except that the answers expected while topics
 * are created and leaders elected (SETTLING_ANSWERS, in the message or the `error` field kafkajs
 * adds to a `Response …` line) are info while `settling`. Outside that window the same answers
 * mean a topic vanished or a broker is in trouble, and stay errors.
 */
export function kafkaLogLevel(entry: KafkaLogEntry, settling: boolean): KafkaLogLevel {
  const level: KafkaLogLevel = entry.level === logLevel.ERROR ? 'error' : entry.level === logLevel.WARN ? 'warn' : 'info';
  if (level === 'info' || !settling) return level;
  const error = entry.log['error'];
  const expected = SETTLING_ANSWERS.has(entry.log.message) || (typeof error === 'string' && SETTLING_ANSWERS.has(error));
  return expected ? 'info' : level;
}

/**
 * When the bus is settling: while topics are being created or the bus is starting (producer
 * connected, consumers joining), and for `graceMs` after the last of these finished, since a
 * broker's metadata may lag a new topic's creation a little.
 */
export class KafkaSettlingWindow {
  private busy = 0;
  private lastSettledAt: number;

  constructor(
    private readonly graceMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {
    this.lastSettledAt = now(); // a client starting up counts as settling
  }

  get settling(): boolean {
    return this.busy > 0 || this.now() - this.lastSettledAt < this.graceMs;
  }

  async during<T>(work: () => Promise<T>): Promise<T> {
    this.busy++;
    try {
      return await work();
    } finally {
      this.busy--;
      this.lastSettledAt = this.now();
    }
  }
}

/** Routes kafkajs' own logs (WARN and above, as configured on the client) into our logger, at `kafkaLogLevel`. */
export function kafkaLogCreator(logger: MessagingLogger, window?: Pick<KafkaSettlingWindow, 'settling'>): logCreator {
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, logger: _kafkaLogger, ...extra } = log;
      const obj: Record<string, unknown> = { component: 'kafkajs', namespace, ...extra };
      const mapped = kafkaLogLevel({ namespace, level, log }, window?.settling ?? false);
      const downgraded = mapped === 'info' && (level === logLevel.ERROR || level === logLevel.WARN);
      logger[mapped](downgraded ? { ...obj, expected: 'while topics are created and partitions elect leaders' } : obj, message);
    };
}
