import { DeadLetterHeaders, deadLetterTopicFor } from '@argus/contracts';
import type { MessageMetadata } from '../message-bus.port';
import { NonRetryableError } from '../non-retryable.error';
import { describeMessageBusContract } from '../testing/message-bus.contract-suite';
import { testEvent, type TestEvent, uniqueGroupId, uniqueTestTopic } from '../testing/test-event.topic';
import { waitFor } from '@argus/platform/testing';
import { KafkaContractHarness, TEST_CONSUMER_TUNING } from './kafka-contract.harness';
import { kafkaReadinessCheck } from './kafka-readiness.check';

const fastRetry = { attempts: 3, initialBackoffMs: 10, maxBackoffMs: 40 };

describeMessageBusContract('kafka', { retry: fastRetry, waitTimeoutMs: 20_000, testTimeoutMs: 40_000 }, () => new KafkaContractHarness());

describe('KafkaMessageBusAdapter on a real broker', () => {
  let harness: KafkaContractHarness;

  beforeEach(() => {
    harness = new KafkaContractHarness();
  });
  afterEach(async () => {
    await harness.cleanup();
  });

  it('splits partitions between two members of a group, tells each its share (onAssignment), and loses nothing when one leaves', async () => {
    const topic = uniqueTestTopic(4, 'split');
    const groupId = uniqueGroupId('split');
    const byMember = new Map<string, Array<{ event: TestEvent; metadata: MessageMetadata }>>([
      ['a', []],
      ['b', []],
    ]);
    const assigned = new Map<string, Array<readonly number[]>>([
      ['a', []],
      ['b', []],
    ]);
    /** Handled messages whose partition was not in the member's latest assignment when handled. */
    const outsideAssignment: string[] = [];
    const members = ['a', 'b'].map((name) => {
      const bus = harness.createBus();
      return { name, bus };
    });
    for (const { name, bus } of members) {
      await bus.ensureTopics([topic]);
      await bus.subscribe(topic, {
        groupId,
        retry: fastRetry,
        onAssignment: (partitions) => void assigned.get(name)?.push(partitions),
        handler: (event, metadata) => {
          if (!assigned.get(name)?.at(-1)?.includes(metadata.partition)) outsideAssignment.push(`${name}: partition ${metadata.partition}`);
          byMember.get(name)?.push({ event, metadata });
        },
      });
    }
    for (const { bus } of members) await bus.start();
    const publisher = harness.createBus();
    const partitionsOf = (name: string) => new Set(byMember.get(name)?.map((d) => d.metadata.partition));
    const consumedIds = () => new Set([...byMember.values()].flat().map((d) => d.event.id));

    const firstWave = Array.from({ length: 40 }, (_, i) => testEvent(`cam-${i}`, i));
    for (const event of firstWave) await publisher.publish(topic, event);
    await waitFor(
      'the first wave',
      () => firstWave.every((e) => consumedIds().has(e.id)),
      { timeoutMs: 20_000 },
      () => `${consumedIds().size} consumed`,
    );

    const [a, b] = [partitionsOf('a'), partitionsOf('b')];
    expect(a.size).toBeGreaterThan(0);
    expect(b.size).toBeGreaterThan(0);
    expect([...a].filter((p) => b.has(p))).toEqual([]);
    expect(new Set([...a, ...b])).toEqual(new Set([0, 1, 2, 3]));
    // Each member was told its share: disjoint, together the whole topic, and what it consumed.
    const [shareA, shareB] = [assigned.get('a')?.at(-1) ?? [], assigned.get('b')?.at(-1) ?? []];
    expect([...shareA, ...shareB].sort()).toEqual([0, 1, 2, 3]);
    expect([...a].every((p) => shareA.includes(p)) && [...b].every((p) => shareB.includes(p))).toBe(true);

    await members[1]?.bus.stop(); // b leaves: the group rebalances and a takes every partition
    const secondWave = Array.from({ length: 40 }, (_, i) => testEvent(`cam-${i}`, 100 + i));
    for (const event of secondWave) await publisher.publish(topic, event);
    await waitFor(
      'the second wave',
      () => secondWave.every((e) => consumedIds().has(e.id)),
      { timeoutMs: 30_000 },
      () => `${consumedIds().size} consumed`,
    );

    const produced = [...firstWave, ...secondWave].map((e) => e.id);
    expect(produced.filter((id) => !consumedIds().has(id))).toEqual([]);
    const secondWaveIds = new Set(secondWave.map((e) => e.id));
    const aAfterLeave = byMember.get('a')?.filter((d) => secondWaveIds.has(d.event.id)) ?? [];
    expect(new Set(aAfterLeave.map((d) => d.metadata.partition))).toEqual(new Set([0, 1, 2, 3]));
    expect(assigned.get('a')?.at(-1)).toEqual([0, 1, 2, 3]); // the rebalance after b left
    expect(outsideAssignment).toEqual([]);
  }, 60_000);

  it('delivers publishes made together in order per key, and fails a record over the size limit alone', async () => {
    const topic = uniqueTestTopic(2, 'outbox');
    const bus = harness.createBus({ maxRecordBytes: 2_000 });
    await bus.ensureTopics([topic]);
    await bus.start();
    const events = Array.from({ length: 20 }, (_, i) => testEvent(`cam-${i % 3}`, i));
    const oversized = testEvent('cam-0', 99, `big-${'x'.repeat(4_000)}`);
    const outcomes = await Promise.allSettled([...events.slice(0, 10), oversized, ...events.slice(10)].map((e) => bus.publish(topic, e)));
    expect(outcomes.filter((o) => o.status === 'rejected')).toHaveLength(1);
    const refused = outcomes[10] as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(NonRetryableError);
    expect((refused.reason as NonRetryableError).code).toBe('record-too-large');
    // Every other record arrived, each key's records in the order they were published.
    const read = await harness.readRecords(topic.name, events.length);
    const seqOf = (key: string, records: { value: string | Buffer | null }[]) =>
      records
        .map((r) => JSON.parse(String(r.value)) as TestEvent)
        .filter((e) => e.key === key)
        .map((e) => e.seq);
    for (const key of ['cam-0', 'cam-1', 'cam-2']) {
      expect(seqOf(key, read)).toEqual(events.filter((e) => e.key === key).map((e) => e.seq));
    }
  }, 40_000);

  it('when the broker refuses one record of a shared request, only that record fails', async () => {
    const topic = uniqueTestTopic(1, 'refused');
    // No client-side limit: the broker's own (message.max.bytes, ≈ 1 MiB) refuses the big record.
    const bus = harness.createBus({ maxRecordBytes: 10_000_000 });
    await bus.ensureTopics([topic]);
    await bus.start();
    const small = [testEvent('k', 0), testEvent('k', 2)];
    const big = testEvent('k', 1, `big-${'x'.repeat(1_200_000)}`);
    const outcomes = await Promise.allSettled([small[0], big, small[1]].map((e) => bus.publish(topic, e as TestEvent)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const read = await harness.readRecords(topic.name, 2);
    expect(read.map((r) => (JSON.parse(String(r.value)) as TestEvent).seq)).toEqual([0, 2]);
  }, 60_000);

  it('keeps a member in its group while a handler runs longer than the session timeout', async () => {
    const topic = uniqueTestTopic(1, 'slow');
    const groupId = uniqueGroupId('slow');
    const sessionTimeoutMs = 6_000; // the broker's group.min.session.timeout.ms
    const calls: string[] = [];
    const bus = harness.createBus({ consumer: { ...TEST_CONSUMER_TUNING, sessionTimeoutMs, rebalanceTimeoutMs: sessionTimeoutMs } });
    await bus.ensureTopics([topic]);
    const slow = testEvent('k', 0);
    await bus.subscribe(topic, {
      groupId,
      retry: fastRetry,
      handler: async (event) => {
        calls.push(event.id);
        // Simulated work (e.g. model inference) that outlasts the session timeout.
        if (event.id === slow.id) await new Promise((resolve) => setTimeout(resolve, sessionTimeoutMs + 2_000));
      },
    });
    await bus.start();
    const next = testEvent('k', 1);
    await bus.publish(topic, slow);
    await bus.publish(topic, next);

    await waitFor(
      'the message after the slow one',
      () => calls.includes(next.id),
      { timeoutMs: 20_000 },
      () =>
        JSON.stringify({
          calls,
          logs: harness.logger.entries.map((e) => [e.level, e.msg, e.obj['err'] instanceof Error ? e.obj['err'].message : e.obj['err']]),
        }),
    );
    expect(calls).toEqual([slow.id, next.id]); // not redelivered: the member was never evicted
    const admin = harness.plainKafka().admin();
    await admin.connect();
    try {
      await waitFor(
        'the commit of both messages',
        async () => {
          const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic.name] });
          return offsets?.partitions[0]?.offset === '2';
        },
        { timeoutMs: 10_000 },
      );
    } finally {
      await admin.disconnect();
    }
    expect(harness.logger.messages('error')).toEqual([]);
  }, 40_000);

  it('does not commit when the dead-letter write fails, and redelivers until it succeeds', async () => {
    const topic = uniqueTestTopic(1, 'dlq-down');
    const admin = harness.plainKafka().admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: topic.name, numPartitions: 1 }], waitForLeaders: true }); // no .dlq topic
      const bus = harness.createBus({ producerRetry: { retries: 1, initialRetryTimeMs: 100, maxRetryTimeMs: 200 } });
      const attempts: string[] = [];
      await bus.subscribe(topic, {
        groupId: uniqueGroupId('dlq-down'),
        retry: fastRetry,
        handler: (event) => {
          attempts.push(event.id);
          throw new NonRetryableError('unusable', { code: 'unusable' });
        },
      });
      await bus.start();
      const doomed = testEvent('k', 0);
      await bus.publish(topic, doomed);
      await waitFor('a redelivery after the failed dead-letter write', () => attempts.length >= 2, { timeoutMs: 20_000 });

      await admin.createTopics({ topics: [{ topic: deadLetterTopicFor(topic.name), numPartitions: 1 }], waitForLeaders: true });
      const [dead] = await harness.readRecords(deadLetterTopicFor(topic.name), 1, 30_000);
      expect(dead?.headers[DeadLetterHeaders.errorCode]).toBe('unusable');
      expect(attempts.every((id) => id === doomed.id)).toBe(true);
    } finally {
      await admin.disconnect();
    }
  }, 60_000);

  describe('with keysInFlightPerPartition > 1', () => {
    const committedOffset = async (groupId: string, topicName: string): Promise<string | undefined> => {
      const admin = harness.plainKafka().admin();
      await admin.connect();
      try {
        const [offsets] = await admin.fetchOffsets({ groupId, topics: [topicName] });
        return offsets?.partitions[0]?.offset;
      } finally {
        await admin.disconnect();
      }
    };

    it('handles the keys of one partition at once, each key in order, and commits everything', async () => {
      const topic = uniqueTestTopic(1, 'keys');
      const groupId = uniqueGroupId('keys');
      const seen: Array<{ key: string; seq: number }> = [];
      let running = 0;
      let mostAtOnce = 0;
      const bus = harness.createBus();
      await bus.ensureTopics([topic]);
      await bus.subscribe(topic, {
        groupId,
        retry: fastRetry,
        keysInFlightPerPartition: 3,
        handler: async (event) => {
          running += 1;
          mostAtOnce = Math.max(mostAtOnce, running);
          await new Promise((resolve) => setTimeout(resolve, 20)); // I/O-bound work
          seen.push({ key: event.key, seq: event.seq });
          running -= 1;
        },
      });
      const publisher = harness.createBus();
      const events = Array.from({ length: 30 }, (_, i) => testEvent(`cam-${i % 3}`, i));
      for (const event of events) await publisher.publish(topic, event); // before start: one fetched batch
      await bus.start();
      await waitFor(
        'every message',
        () => seen.length >= events.length,
        { timeoutMs: 20_000 },
        () => `${seen.length} handled`,
      );
      for (const key of ['cam-0', 'cam-1', 'cam-2']) {
        expect(seen.filter((s) => s.key === key).map((s) => s.seq)).toEqual(events.filter((e) => e.key === key).map((e) => e.seq));
      }
      expect(seen).toHaveLength(events.length);
      expect(mostAtOnce).toBeGreaterThan(1);
      expect(mostAtOnce).toBeLessThanOrEqual(3);
      await waitFor('the commit of all of them', async () => (await committedOffset(groupId, topic.name)) === String(events.length), {
        timeoutMs: 10_000,
      });
      expect(harness.logger.messages('error')).toEqual([]);
    }, 40_000);

    it('hints the next messages of a key (readAhead) before their turn, each once, while handlers stay one per key in order', async () => {
      const topic = uniqueTestTopic(1, 'ahead');
      const groupId = uniqueGroupId('ahead');
      const log: string[] = [];
      const bus = harness.createBus();
      await bus.ensureTopics([topic]);
      await bus.subscribe(topic, {
        groupId,
        retry: fastRetry,
        keysInFlightPerPartition: 2,
        readAhead: { messagesPerKey: 2, hint: (event) => void log.push(`hint ${event.key}#${event.seq}`) },
        handler: async (event) => {
          log.push(`start ${event.key}#${event.seq}`);
          await new Promise((resolve) => setTimeout(resolve, 10));
          log.push(`end ${event.key}#${event.seq}`);
        },
      });
      const publisher = harness.createBus();
      const events = Array.from({ length: 8 }, (_, i) => testEvent(`cam-${i % 2}`, i));
      for (const event of events) await publisher.publish(topic, event); // before start: one fetched batch
      await bus.start();
      await waitFor(
        'every message',
        () => log.filter((l) => l.startsWith('end')).length >= events.length,
        { timeoutMs: 20_000 },
        () => log.join(', '),
      );
      for (const key of ['cam-0', 'cam-1']) {
        const mine = log.filter((l) => l.includes(`${key}#`));
        const seqs = events.filter((e) => e.key === key).map((e) => e.seq);
        // The first message of the key is handled without a hint; every later one is hinted exactly
        // once, before its turn, and at most 2 ahead: the message at position k is hinted as the one
        // at k - 2 starts, so after the one at k - 3 ended.
        expect(mine.filter((l) => l.startsWith('hint'))).toEqual(seqs.slice(1).map((seq) => `hint ${key}#${seq}`));
        expect(mine.filter((l) => l.startsWith('start'))).toEqual(seqs.map((seq) => `start ${key}#${seq}`));
        seqs.forEach((seq, k) => {
          if (k === 0) return;
          const hintedAt = mine.indexOf(`hint ${key}#${seq}`);
          expect(hintedAt).toBeLessThan(mine.indexOf(`start ${key}#${seq}`));
          if (k >= 3) expect(hintedAt).toBeGreaterThan(mine.indexOf(`end ${key}#${seqs[k - 3]}`));
        });
        // Still one at a time per key: each start follows the previous end.
        seqs
          .slice(1)
          .forEach((seq, i) => expect(mine.indexOf(`start ${key}#${seq}`)).toBeGreaterThan(mine.indexOf(`end ${key}#${seqs[i]}`)));
      }
      await waitFor('the commit of all of them', async () => (await committedOffset(groupId, topic.name)) === String(events.length), {
        timeoutMs: 10_000,
      });
    }, 40_000);

    it('commits in order: a slow key holds the commit back while the other keys run ahead', async () => {
      const topic = uniqueTestTopic(1, 'keys-order');
      const groupId = uniqueGroupId('keys-order');
      const handled: number[] = [];
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (release = resolve));
      const bus = harness.createBus();
      await bus.ensureTopics([topic]);
      await bus.subscribe(topic, {
        groupId,
        retry: fastRetry,
        keysInFlightPerPartition: 2,
        handler: async (event) => {
          if (event.seq === 0) await released; // the first message (offset 0) is slow
          handled.push(event.seq);
        },
      });
      const publisher = harness.createBus();
      await publisher.publish(topic, testEvent('slow', 0));
      for (let i = 1; i <= 5; i++) await publisher.publish(topic, testEvent('fast', i));
      await bus.start();
      await waitFor(
        'the fast key',
        () => handled.length === 5,
        { timeoutMs: 20_000 },
        () => JSON.stringify(handled),
      );
      expect(handled).toEqual([1, 2, 3, 4, 5]);
      // Offsets 1-5 are done but offset 0 is not: nothing may be committed yet.
      const early = await committedOffset(groupId, topic.name);
      expect(early === undefined || Number(early) <= 0).toBe(true);
      release();
      await waitFor('the commit of all six', async () => (await committedOffset(groupId, topic.name)) === '6', { timeoutMs: 10_000 });
      expect(handled).toEqual([1, 2, 3, 4, 5, 0]);
    }, 40_000);
  });

  it('creates topics and their dead-letter topics with the contract partitions, idempotently, growing them if asked', async () => {
    const topic = uniqueTestTopic(2, 'ensure');
    const bus = harness.createBus();
    await bus.ensureTopics([topic]);
    await bus.ensureTopics([topic]);
    await bus.ensureTopics([{ ...topic, partitions: 3 } as typeof topic]);

    const admin = harness.plainKafka().admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic.name, deadLetterTopicFor(topic.name)] });
      expect(topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual(
        [
          [topic.name, 3],
          [deadLetterTopicFor(topic.name), 3],
        ].sort(),
      );
    } finally {
      await admin.disconnect();
    }
  }, 30_000);

  it('reports readiness: passes against the broker, throws quickly when nothing answers', async () => {
    await expect(harness.createBus().readinessCheck().check()).resolves.toBeUndefined();
    const check = kafkaReadinessCheck({ clientId: 'probe', brokers: ['127.0.0.1:1'] }, { timeoutMs: 1_000 });
    expect(check.name).toBe('kafka');
    const started = Date.now();
    await expect(check.check()).rejects.toThrow(/kafka is not ready at 127\.0\.0\.1:1/);
    expect(Date.now() - started).toBeLessThan(3_000);
  }, 15_000);
});
