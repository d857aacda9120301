import { DeadLetterHeaders, deadLetterTopicFor } from '@argus/contracts';
import { decodeHeaders } from '../message.headers';
import type { MessageBus } from '../message-bus.port';
import { NonRetryableError } from '../non-retryable.error';
import { describeMessageBusContract } from '../testing/message-bus.contract-suite';
import { RecordingLogger } from '../testing/recording.logger';
import { testEvent, type TestEvent, type TestTopic, uniqueGroupId, uniqueTestTopic } from '../testing/test-event.topic';
import { waitFor } from '@argus/platform/testing';
import { InMemoryBroker } from './in-memory.broker';
import { InMemoryMessageBusAdapter } from './in-memory-message-bus.adapter';

const fastRetry = { attempts: 3, initialBackoffMs: 1, maxBackoffMs: 4 };

describeMessageBusContract('in-memory', { retry: fastRetry, waitTimeoutMs: 2000, testTimeoutMs: 5000 }, () => {
  const logger = new RecordingLogger();
  const broker = new InMemoryBroker({ logger });
  const buses: MessageBus[] = [];
  return {
    createBus: () => {
      const bus = new InMemoryMessageBusAdapter({ broker, logger });
      buses.push(bus);
      return bus;
    },
    produceRaw: async (topic, record) => {
      broker.append(topic, record);
    },
    readRecords: async (topic, count) => {
      await waitFor(`${count} records in ${topic}`, () => broker.records(topic).length >= count, { timeoutMs: 2000 });
      return broker.records(topic).map((r) => ({ ...r, headers: decodeHeaders(r.headers) }));
    },
    cleanup: async () => {
      await Promise.all(buses.map((bus) => bus.stop()));
    },
  };
});

describe('InMemoryMessageBusAdapter', () => {
  let logger: RecordingLogger;
  let broker: InMemoryBroker;
  let buses: InMemoryMessageBusAdapter[];

  const newBus = () => {
    const bus = new InMemoryMessageBusAdapter({ broker, logger });
    buses.push(bus);
    return bus;
  };

  beforeEach(() => {
    logger = new RecordingLogger();
    broker = new InMemoryBroker({ logger, redeliveryDelayMs: 5, trimThreshold: 4 });
    buses = [];
  });
  afterEach(async () => {
    await Promise.all(buses.map((bus) => bus.stop()));
  });

  it('resolves publish on enqueue, before the handler runs; idle() waits for the handler', async () => {
    const topic = uniqueTestTopic(2);
    const bus = newBus();
    const handled: string[] = [];
    await bus.ensureTopics([topic]);
    await bus.subscribe(topic, { groupId: uniqueGroupId('async'), handler: (e) => void handled.push(e.id), retry: fastRetry });
    await bus.start();

    const event = testEvent('k', 0);
    await bus.publish(topic, event);
    expect(handled).toEqual([]);
    await bus.idle();
    expect(handled).toEqual([event.id]);
  });

  it('shares a group between members: each message handled exactly once, by both members', async () => {
    const topic = uniqueTestTopic(4);
    const groupId = uniqueGroupId('shared');
    const byMember = new Map<string, string[]>();
    const memberHandler = (name: string) => async (event: TestEvent) => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      byMember.set(name, [...(byMember.get(name) ?? []), event.id]);
    };
    for (const name of ['a', 'b']) {
      const bus = newBus();
      await bus.ensureTopics([topic]);
      await bus.subscribe(topic, { groupId, handler: memberHandler(name), retry: fastRetry });
      await bus.start();
    }
    const events = Array.from({ length: 24 }, (_, i) => testEvent(`key-${i % 8}`, i));
    for (const event of events) await buses[0]?.publish(topic, event);
    await broker.idle();

    const all = [...(byMember.get('a') ?? []), ...(byMember.get('b') ?? [])];
    expect(all.sort()).toEqual(events.map((e) => e.id).sort());
    expect(byMember.get('a')?.length).toBeGreaterThan(0);
    expect(byMember.get('b')?.length).toBeGreaterThan(0);
  });

  it('does not acknowledge when the dead-letter write fails, and redelivers until it succeeds', async () => {
    const topic = uniqueTestTopic(1);
    broker.createTopic(topic.name, 1); // no dead-letter topic yet
    const bus = newBus();
    const attempts: number[] = [];
    await bus.subscribe(topic, {
      groupId: uniqueGroupId('dlq-down'),
      handler: (_event, metadata) => {
        attempts.push(metadata.attempt);
        throw new NonRetryableError('always wrong', { code: 'wrong' });
      },
      retry: fastRetry,
    });
    await bus.start();
    await bus.publish(topic, testEvent('k', 0));

    await waitFor('a redelivery after the failed dead-letter write', () => attempts.length >= 2, { timeoutMs: 2000 });
    expect(bus.deadLetters.bind(bus, topic)).toThrow(/does not exist/);
    expect(logger.messages('error')).toContain('delivery failed and was not acknowledged: redelivering');

    broker.createTopic(deadLetterTopicFor(topic.name), 1);
    await bus.idle();
    const [dead] = bus.deadLetters(topic);
    expect(decodeHeaders(dead?.headers)[DeadLetterHeaders.errorCode]).toBe('wrong');
  });

  it('starts a new group at the end of the log when fromBeginning is false', async () => {
    const topic = uniqueTestTopic(1);
    const bus = newBus();
    await bus.ensureTopics([topic]);
    await bus.publish(topic, testEvent('k', 0));
    const seen: number[] = [];
    await bus.subscribe(topic, {
      groupId: uniqueGroupId('late'),
      handler: (e) => void seen.push(e.seq),
      retry: fastRetry,
      fromBeginning: false,
    });
    await bus.start();
    await bus.publish(topic, testEvent('k', 1));
    await bus.idle();
    expect(seen).toEqual([1]);
  });

  it('drops records every group has consumed once enough pile up, and keeps the offsets', async () => {
    const topic = uniqueTestTopic(1);
    const bus = newBus();
    const offsets: string[] = [];
    await bus.ensureTopics([topic]);
    await bus.subscribe(topic, { groupId: uniqueGroupId('trim'), handler: (_e, m) => void offsets.push(m.offset), retry: fastRetry });
    await bus.start();
    for (let seq = 0; seq < 6; seq += 1) await bus.publish(topic, testEvent('k', seq));
    await bus.idle();
    expect(offsets).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(broker.records(topic.name).length).toBeLessThan(6);

    await bus.publish(topic, testEvent('k', 6));
    await bus.idle();
    expect(offsets.at(-1)).toBe('6');
  });

  it('rejects idle() after its timeout, naming what is pending', async () => {
    const topic = uniqueTestTopic(1);
    const bus = newBus();
    let release: () => void = () => undefined;
    await bus.ensureTopics([topic]);
    await bus.subscribe(topic, {
      groupId: 'stuck-group',
      handler: () => new Promise<void>((resolve) => (release = resolve)),
      retry: fastRetry,
    });
    await bus.start();
    await bus.publish(topic, testEvent('k', 0));
    await expect(bus.idle(50)).rejects.toThrow(/not idle after 50 ms: stuck-group@.*\[0\] at 0\/1 \(in flight\)/);
    release();
    await bus.idle();
  });

  it('grows topics idempotently and refuses what would silently lose messages', async () => {
    const topic = uniqueTestTopic(2);
    const bus = newBus();
    await bus.ensureTopics([topic]);
    const grown: TestTopic = { ...topic, partitions: 3 };
    await bus.ensureTopics([grown]);
    await bus.ensureTopics([topic]);
    const events = Array.from({ length: 30 }, (_, i) => testEvent(`key-${i}`, i));
    for (const event of events) await bus.publish(topic, event);
    const partitions = new Set(broker.records(topic.name).map((r) => r.partition));
    expect(partitions).toEqual(new Set([0, 1, 2]));

    const missing = uniqueTestTopic(1);
    await expect(bus.publish(missing, testEvent('k', 0))).rejects.toThrow(/does not exist: create it with ensureTopics/);
    await bus.subscribe(missing, { groupId: uniqueGroupId('missing'), handler: () => undefined, retry: fastRetry });
    await expect(bus.start()).rejects.toThrow(/topic ".*" does not exist/);
  });

  it('validates subscriptions: one topic per group, sane retry and concurrency', async () => {
    const topic = uniqueTestTopic(1);
    const other = uniqueTestTopic(1);
    const bus = newBus();
    const handler = () => undefined;
    await bus.subscribe(topic, { groupId: 'g', handler, retry: fastRetry });
    await expect(bus.subscribe(other, { groupId: 'g', handler, retry: fastRetry })).rejects.toThrow(/already consumes/);
    await expect(
      bus.subscribe(topic, { groupId: 'g', handler, retry: { attempts: 0, initialBackoffMs: 1, maxBackoffMs: 1 } }),
    ).rejects.toThrow(/attempts/);
    await expect(bus.subscribe(topic, { groupId: 'g', handler, retry: fastRetry, concurrency: 0 })).rejects.toThrow(/concurrency/);
    await expect(bus.subscribe(topic, { groupId: 'bad group!', handler, retry: fastRetry })).rejects.toThrow(/groupId/);
    await expect(bus.subscribe(topic, { groupId: 'g', handler, retry: fastRetry, keysInFlightPerPartition: 0 })).rejects.toThrow(
      /keysInFlightPerPartition/,
    );
  });

  it('keeps each key in order with keysInFlightPerPartition > 1 (it handles one record per partition)', async () => {
    const topic = uniqueTestTopic(1);
    const bus = newBus();
    const seen: Array<{ key: string; seq: number }> = [];
    let running = 0;
    let mostAtOnce = 0;
    await bus.ensureTopics([topic]);
    await bus.subscribe(topic, {
      groupId: uniqueGroupId('keys-in-flight'),
      retry: fastRetry,
      keysInFlightPerPartition: 4,
      handler: async (e) => {
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await Promise.resolve();
        seen.push({ key: e.key, seq: e.seq });
        running -= 1;
      },
    });
    await bus.start();
    for (let i = 0; i < 12; i++) await bus.publish(topic, testEvent(`cam-${i % 3}`, i));
    await bus.idle();
    for (const key of ['cam-0', 'cam-1', 'cam-2']) {
      expect(seen.filter((s) => s.key === key).map((s) => s.seq)).toEqual([0, 1, 2, 3].map((n) => n * 3 + Number(key.slice(-1))));
    }
    expect(mostAtOnce).toBe(1);
  });

  it('refuses to publish or subscribe once stopped, and reports not ready', async () => {
    const topic = uniqueTestTopic(1);
    const bus = newBus();
    await bus.ensureTopics([topic]);
    await expect(bus.readinessCheck().check()).resolves.toBeUndefined();
    await bus.stop();
    await expect(bus.publish(topic, testEvent('k', 0))).rejects.toThrow(/stopped/);
    await expect(bus.subscribe(topic, { groupId: 'g', handler: () => undefined, retry: fastRetry })).rejects.toThrow(/stopped/);
    await expect(bus.readinessCheck().check()).rejects.toThrow(/stopped/);
  });

  it('starts a subscription made after start() at once', async () => {
    const topic = uniqueTestTopic(1);
    const bus = newBus();
    const seen: number[] = [];
    await bus.ensureTopics([topic]);
    await bus.start();
    const subscription = await bus.subscribe(topic, {
      groupId: uniqueGroupId('late-sub'),
      handler: (e) => void seen.push(e.seq),
      retry: fastRetry,
    });
    await bus.publish(topic, testEvent('k', 0));
    await bus.idle();
    expect(seen).toEqual([0]);

    await subscription.stop();
    await bus.publish(topic, testEvent('k', 1));
    await bus.idle();
    expect(seen).toEqual([0]);
  });
});
