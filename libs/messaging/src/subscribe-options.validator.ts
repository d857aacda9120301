import type { TopicContract } from '@argus/contracts';
import type { SubscribeOptions } from './message-bus.port';
import { RetryPolicy } from './retry.policy';

export interface ValidSubscribeOptions {
  readonly groupId: string;
  readonly concurrency: number;
  readonly keysInFlightPerPartition: number;
  /** Messages of a key hinted ahead of the one handled (0: no read-ahead). */
  readonly readAheadPerKey: number;
  readonly fromBeginning: boolean;
  readonly retry: RetryPolicy;
}

const GROUP_ID_PATTERN = /^[A-Za-z0-9._-]{1,249}$/;

/**
 * Checks a subscription before anything connects. `boundTopics` maps the group ids this bus
 * already uses to their topic: one group consumes one topic per process (kafkajs' assigners
 * assume every member of a group subscribes to the same topics).
 */
export function validateSubscribeOptions<T extends TopicContract>(
  topic: T,
  options: SubscribeOptions<T>,
  boundTopics: ReadonlyMap<string, string>,
): ValidSubscribeOptions {
  const { groupId } = options;
  if (!GROUP_ID_PATTERN.test(groupId)) {
    throw new Error(`subscribe to "${topic.name}": groupId "${groupId}" must be 1-249 of letters, digits, ".", "_", "-"`);
  }
  const bound = boundTopics.get(groupId);
  if (bound !== undefined && bound !== topic.name) {
    throw new Error(`subscribe to "${topic.name}": group "${groupId}" already consumes "${bound}"; use one group per topic`);
  }
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`subscribe to "${topic.name}": concurrency must be an integer >= 1, got ${concurrency}`);
  }
  const keysInFlightPerPartition = options.keysInFlightPerPartition ?? 1;
  if (!Number.isInteger(keysInFlightPerPartition) || keysInFlightPerPartition < 1) {
    throw new RangeError(`subscribe to "${topic.name}": keysInFlightPerPartition must be an integer >= 1, got ${keysInFlightPerPartition}`);
  }
  if (typeof options.handler !== 'function') {
    throw new TypeError(`subscribe to "${topic.name}": handler must be a function`);
  }
  const readAheadPerKey = options.readAhead?.messagesPerKey ?? 0;
  if (!Number.isInteger(readAheadPerKey) || readAheadPerKey < 0 || (options.readAhead && typeof options.readAhead.hint !== 'function')) {
    throw new RangeError(
      `subscribe to "${topic.name}": readAhead needs a hint function and messagesPerKey an integer >= 0, got ${readAheadPerKey}`,
    );
  }
  return {
    groupId,
    concurrency,
    keysInFlightPerPartition,
    readAheadPerKey,
    fromBeginning: options.fromBeginning ?? true,
    retry: new RetryPolicy(options.retry),
  };
}
