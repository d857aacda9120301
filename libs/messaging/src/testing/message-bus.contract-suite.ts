import { DeadLetterErrorCodes, DeadLetterHeaders, deadLetterTopicFor, TraceHeaders } from '@argus/contracts';
import { context, createTraceState, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InvalidMessageError } from '../invalid-message.error';
import { BusHeaders } from '../message.headers';
import type { MessageBus, MessageHandler, MessageMetadata, RetryOptions } from '../message-bus.port';
import { NonRetryableError } from '../non-retryable.error';
import type { PipelineHealthReader } from '../pipeline-health.port';
import { testEvent, type TestEvent, type TestTopic, uniqueGroupId, uniqueTestTopic } from './test-event.topic';
import { waitFor } from '@argus/platform/testing';

export interface RawRecordInput {
  readonly key: string | null;
  readonly value: Buffer | string | null;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ReadRecord {
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly partition: number;
  readonly offset: string;
}

/** What the contract suite needs from an adapter's test setup. */
export interface MessageBusContractHarness {
  /** A new bus, as a new process would have; `cleanup` stops it. Buses of one harness share the broker. */
  createBus(): MessageBus;
  /** Writes bytes to a topic bypassing the bus (no validation), as a foreign producer would. */
  produceRaw(topic: string, record: RawRecordInput): Promise<void>;
  /** Waits until `topic` holds at least `count` records and returns them (e.g. a dead-letter topic). */
  readRecords(topic: string, count: number): Promise<ReadRecord[]>;
  cleanup(): Promise<void>;
}

export interface MessageBusContractSettings {
  /** Fast retries for tests. */
  readonly retry: RetryOptions;
  /** How long a test polls for a condition. */
  readonly waitTimeoutMs: number;
  readonly testTimeoutMs: number;
}

interface Delivery {
  readonly event: TestEvent;
  readonly metadata: MessageMetadata;
}

/**
 * The behaviour both adapters promise, run as unit tests against the in-memory adapter and as
 * integration tests against Kafka.
 */
export function describeMessageBusContract(
  adapterName: string,
  settings: MessageBusContractSettings,
  createHarness: () => MessageBusContractHarness,
): void {
  describe(`MessageBus contract: ${adapterName}`, () => {
    let harness: MessageBusContractHarness;
    const timeout = () => settings.testTimeoutMs;

    beforeAll(() => {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    });
    afterAll(() => {
      context.disable();
      propagation.disable();
    });
    beforeEach(() => {
      harness = createHarness();
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    const wait = (what: string, condition: () => boolean, describeState?: () => string) =>
      waitFor(what, condition, { timeoutMs: settings.waitTimeoutMs }, describeState);

    async function publisherFor(topic: TestTopic): Promise<MessageBus> {
      const bus = harness.createBus();
      await bus.ensureTopics([topic]);
      return bus;
    }

    async function consumerFor(
      topic: TestTopic,
      groupId: string,
      handler: MessageHandler<TestEvent>,
      options: { retry?: RetryOptions; concurrency?: number } = {},
    ): Promise<MessageBus> {
      const bus = harness.createBus();
      await bus.ensureTopics([topic]);
      await bus.subscribe(topic, { groupId, handler, retry: options.retry ?? settings.retry, concurrency: options.concurrency });
      await bus.start();
      return bus;
    }

    function recorder() {
      const deliveries: Delivery[] = [];
      const handler: MessageHandler<TestEvent> = (event, metadata) => {
        deliveries.push({ event, metadata });
      };
      const ids = () => deliveries.map((d) => d.event.id);
      return { deliveries, handler, ids };
    }

    it(
      'delivers a published message parsed, with its key, headers and metadata',
      async () => {
        const topic = uniqueTestTopic(3);
        const groupId = uniqueGroupId('deliver');
        const seen = recorder();
        await consumerFor(topic, groupId, seen.handler);
        const publisher = await publisherFor(topic);
        const event = testEvent('line-1/cam-a', 0);

        await publisher.publish(topic, event, { headers: { 'x-test': 'hello' } });
        await wait('the message', () => seen.deliveries.length === 1);

        const [delivery] = seen.deliveries;
        expect(delivery?.event).toEqual(event);
        expect(delivery?.metadata).toMatchObject({ topic: topic.name, key: 'line-1/cam-a', attempt: 1, groupId });
        expect(delivery?.metadata.partition).toBeGreaterThanOrEqual(0);
        expect(delivery?.metadata.partition).toBeLessThan(3);
        expect(delivery?.metadata.offset).toMatch(/^\d+$/);
        expect(delivery?.metadata.headers[BusHeaders.eventType]).toBe(topic.name);
        expect(delivery?.metadata.headers['x-test']).toBe('hello');
      },
      timeout(),
    );

    it(
      'refuses to publish an invalid message, naming the topic and the issues, and sends nothing',
      async () => {
        const topic = uniqueTestTopic(1);
        const seen = recorder();
        await consumerFor(topic, uniqueGroupId('invalid-publish'), seen.handler);
        const publisher = await publisherFor(topic);
        const invalid = { id: 'bad', key: 'k', seq: -1 } as TestEvent;

        const attempt = publisher.publish(topic, invalid);
        await expect(attempt).rejects.toBeInstanceOf(InvalidMessageError);
        await expect(attempt).rejects.toThrow(new RegExp(`${topic.name.replace(/\./g, '\\.')}.*seq`));

        const valid = testEvent('k', 1);
        await publisher.publish(topic, valid);
        await wait('the valid message', () => seen.deliveries.length >= 1);
        // One partition, same key: had the invalid one been sent, it would have arrived first.
        expect(seen.ids()).toEqual([valid.id]);
      },
      timeout(),
    );

    it(
      'handles each key in publish order, one message at a time, and delivers every key',
      async () => {
        const topic = uniqueTestTopic(3);
        const keys = ['line-1/cam-a', 'line-1/cam-b', 'line-2/cam-a', 'line-3/cam-c'];
        const perKey = 8;
        const seqByKey = new Map<string, number[]>();
        const busyKeys = new Set<string>();
        let overlaps = 0;
        await consumerFor(
          topic,
          uniqueGroupId('order'),
          async (event) => {
            if (busyKeys.has(event.key)) overlaps += 1;
            busyKeys.add(event.key);
            await new Promise<void>((resolve) => setImmediate(resolve));
            seqByKey.set(event.key, [...(seqByKey.get(event.key) ?? []), event.seq]);
            busyKeys.delete(event.key);
          },
          { concurrency: 3 },
        );
        const publisher = await publisherFor(topic);

        for (let seq = 0; seq < perKey; seq += 1) {
          for (const key of keys) await publisher.publish(topic, testEvent(key, seq));
        }
        const total = () => [...seqByKey.values()].reduce((sum, list) => sum + list.length, 0);
        await wait(
          `${keys.length * perKey} messages`,
          () => total() === keys.length * perKey,
          () => `${total()} handled`,
        );

        const expected = Array.from({ length: perKey }, (_, i) => i);
        for (const key of keys) expect(seqByKey.get(key)).toEqual(expected);
        expect(overlaps).toBe(0);
      },
      timeout(),
    );

    it(
      'retries a failing handler on the same message with increasing attempt numbers, then moves on',
      async () => {
        const topic = uniqueTestTopic(1);
        const log: string[] = [];
        const flaky = testEvent('k', 0);
        const next = testEvent('k', 1);
        await consumerFor(topic, uniqueGroupId('retry'), (event, metadata) => {
          log.push(`${event.seq}#${metadata.attempt}`);
          if (event.id === flaky.id && metadata.attempt < 3) throw new Error(`transient failure ${metadata.attempt}`);
        });
        const publisher = await publisherFor(topic);

        await publisher.publish(topic, flaky);
        await publisher.publish(topic, next);
        await wait(
          'both messages handled',
          () => log.includes('1#1'),
          () => log.join(','),
        );

        expect(log).toEqual(['0#1', '0#2', '0#3', '1#1']);
      },
      timeout(),
    );

    it(
      'dead-letters a message whose handler keeps failing, with reason headers and the original bytes, and keeps going',
      async () => {
        const topic = uniqueTestTopic(1);
        const groupId = uniqueGroupId('dlq');
        const poison = testEvent('line-9/cam-x', 0);
        const after = testEvent('line-9/cam-x', 1);
        const log: string[] = [];
        await consumerFor(topic, groupId, (event, metadata) => {
          log.push(`${event.seq}#${metadata.attempt}`);
          if (event.id === poison.id) throw new Error(`cannot handle ${event.id}`);
        });
        const publisher = await publisherFor(topic);
        const before = Date.now();

        await publisher.publish(topic, poison, { headers: { 'x-origin': 'contract-test' } });
        await publisher.publish(topic, after);
        await wait(
          'the message after the poison one',
          () => log.includes('1#1'),
          () => log.join(','),
        );
        const [dead] = await harness.readRecords(deadLetterTopicFor(topic.name), 1);

        const attempts = settings.retry.attempts;
        expect(log).toEqual([...Array.from({ length: attempts }, (_, i) => `0#${i + 1}`), '1#1']);
        expect(dead?.value?.equals(Buffer.from(JSON.stringify(poison)))).toBe(true);
        expect(dead?.key).toBe('line-9/cam-x');
        expect(dead?.headers).toMatchObject({
          [DeadLetterHeaders.errorCode]: DeadLetterErrorCodes.handlerFailed,
          [DeadLetterHeaders.originalTopic]: topic.name,
          [DeadLetterHeaders.originalPartition]: '0',
          [DeadLetterHeaders.originalOffset]: '0',
          [DeadLetterHeaders.originalKey]: 'line-9/cam-x',
          [DeadLetterHeaders.consumerGroup]: groupId,
          [DeadLetterHeaders.attempts]: String(attempts),
          [BusHeaders.eventType]: topic.name,
          'x-origin': 'contract-test',
        });
        expect(dead?.headers[DeadLetterHeaders.reason]).toContain(`cannot handle ${poison.id}`);
        const failedAt = Date.parse(dead?.headers[DeadLetterHeaders.failedAt] ?? '');
        expect(failedAt).toBeGreaterThanOrEqual(before - 1000);
        expect(failedAt).toBeLessThanOrEqual(Date.now() + 1000);
      },
      timeout(),
    );

    it(
      'dead-letters at once, with its code, when the handler throws NonRetryableError',
      async () => {
        const topic = uniqueTestTopic(1);
        const calls: number[] = [];
        const doomed = testEvent('k', 0);
        const after = testEvent('k', 1);
        await consumerFor(topic, uniqueGroupId('non-retryable'), (event, metadata) => {
          calls.push(metadata.attempt);
          if (event.id === doomed.id) throw new NonRetryableError('frame does not exist', { code: 'frame-missing' });
        });
        const publisher = await publisherFor(topic);

        await publisher.publish(topic, doomed);
        await publisher.publish(topic, after);
        const [dead] = await harness.readRecords(deadLetterTopicFor(topic.name), 1);
        await wait('the next message', () => calls.length === 2);

        expect(calls).toEqual([1, 1]);
        expect(dead?.headers[DeadLetterHeaders.errorCode]).toBe('frame-missing');
        expect(dead?.headers[DeadLetterHeaders.attempts]).toBe('1');
        expect(dead?.headers[DeadLetterHeaders.reason]).toContain('frame does not exist');
      },
      timeout(),
    );

    it(
      'dead-letters invalid JSON and schema-violating messages as invalid-message without calling the handler',
      async () => {
        const topic = uniqueTestTopic(1);
        const seen = recorder();
        await consumerFor(topic, uniqueGroupId('malformed'), seen.handler);
        const publisher = await publisherFor(topic);
        const notJson = Buffer.from('{"id": "x", oops', 'utf8');
        const wrongShape = Buffer.from(JSON.stringify({ id: 'y', key: 'k', seq: 'first' }), 'utf8');

        await harness.produceRaw(topic.name, { key: 'k', value: notJson, headers: { 'x-producer': 'legacy' } });
        await harness.produceRaw(topic.name, { key: 'k', value: wrongShape });
        const valid = testEvent('k', 3);
        await publisher.publish(topic, valid);
        await wait('the valid message', () => seen.deliveries.length >= 1);
        const dead = await harness.readRecords(deadLetterTopicFor(topic.name), 2);

        expect(seen.ids()).toEqual([valid.id]);
        const [jsonDead, shapeDead] = [...dead].sort(
          (a, b) => Number(a.headers[DeadLetterHeaders.originalOffset]) - Number(b.headers[DeadLetterHeaders.originalOffset]),
        );
        expect(jsonDead?.value?.equals(notJson)).toBe(true);
        expect(jsonDead?.headers).toMatchObject({
          [DeadLetterHeaders.errorCode]: DeadLetterErrorCodes.invalidMessage,
          [DeadLetterHeaders.attempts]: '0',
          [DeadLetterHeaders.originalOffset]: '0',
          'x-producer': 'legacy',
        });
        expect(jsonDead?.headers[DeadLetterHeaders.reason]).toMatch(/JSON/);
        expect(shapeDead?.value?.equals(wrongShape)).toBe(true);
        expect(shapeDead?.headers[DeadLetterHeaders.errorCode]).toBe(DeadLetterErrorCodes.invalidMessage);
        expect(shapeDead?.headers[DeadLetterHeaders.reason]).toMatch(/^seq: /);
      },
      timeout(),
    );

    it(
      "reports a group's lag on its topic and the dead-letter topic's count (pipelineHealth)",
      async () => {
        const topic = uniqueTestTopic(2);
        const groupId = uniqueGroupId('lag');
        const doomed = testEvent('a', 0);
        const handled: string[] = [];
        const consumer = await consumerFor(topic, groupId, (event) => {
          if (event.id === doomed.id) throw new NonRetryableError('cannot handle', { code: 'test-doomed' });
          handled.push(event.id);
        });
        const publisher = await publisherFor(topic);
        const reader = publisher as MessageBus & Partial<PipelineHealthReader>;
        if (!reader.pipelineHealth) throw new Error(`${adapterName} bus does not implement PipelineHealthReader`);
        const health = () => (reader.pipelineHealth as PipelineHealthReader['pipelineHealth']).call(reader);
        const lagOf = async () => (await health()).consumerGroups.find((g) => g.groupId === groupId && g.topic === topic.name)?.lag;
        const deadOf = async () => (await health()).deadLetters.find((d) => d.topic === deadLetterTopicFor(topic.name))?.count;

        await publisher.publish(topic, doomed);
        await publisher.publish(topic, testEvent('b', 1));
        await harness.readRecords(deadLetterTopicFor(topic.name), 1);
        await wait('the second message', () => handled.length === 1);
        await waitFor('lag 0 and one dead letter', async () => (await lagOf()) === 0 && (await deadOf()) === 1, {
          timeoutMs: settings.waitTimeoutMs,
          intervalMs: 100,
        });

        await consumer.stop();
        for (const seq of [2, 3, 4]) await publisher.publish(topic, testEvent(`k${seq}`, seq));
        await waitFor('lag 3 while the group is stopped', async () => (await lagOf()) === 3, {
          timeoutMs: settings.waitTimeoutMs,
          intervalMs: 100,
        });
        expect(await deadOf()).toBe(1);
      },
      timeout(),
    );

    it(
      'gives every consumer group every message',
      async () => {
        const topic = uniqueTestTopic(2);
        const first = recorder();
        const second = recorder();
        await consumerFor(topic, uniqueGroupId('group-a'), first.handler);
        await consumerFor(topic, uniqueGroupId('group-b'), second.handler);
        const publisher = await publisherFor(topic);
        const events = ['a', 'b', 'c', 'd', 'e'].map((key, seq) => testEvent(key, seq));

        for (const event of events) await publisher.publish(topic, event);
        await wait('both groups', () => first.deliveries.length === 5 && second.deliveries.length === 5);

        const ids = events.map((e) => e.id).sort();
        expect([...first.ids()].sort()).toEqual(ids);
        expect([...second.ids()].sort()).toEqual(ids);
      },
      timeout(),
    );

    it(
      'lets the next member of the group redeliver a message that failed while its member was stopping (at-least-once)',
      async () => {
        const topic = uniqueTestTopic(1);
        const groupId = uniqueGroupId('redeliver');
        const failing = testEvent('k', 0);
        const firstAttempts: number[] = [];
        const slowRetry: RetryOptions = { attempts: 10, initialBackoffMs: 60_000, maxBackoffMs: 60_000 };
        const crashing = await consumerFor(
          topic,
          groupId,
          (_event, metadata) => {
            firstAttempts.push(metadata.attempt);
            throw new Error('downstream unavailable');
          },
          { retry: slowRetry },
        );
        const publisher = await publisherFor(topic);
        await publisher.publish(topic, failing);
        await wait('the first attempt', () => firstAttempts.length === 1);

        await crashing.stop(); // between retries: the message is abandoned, not acknowledged or dead-lettered
        const seen = recorder();
        await consumerFor(topic, groupId, seen.handler);
        await wait('the redelivery', () => seen.deliveries.length >= 1);

        expect(firstAttempts).toEqual([1]);
        expect(seen.deliveries[0]?.event).toEqual(failing);
        expect(seen.deliveries[0]?.metadata.offset).toBe('0');
      },
      timeout(),
    );

    it(
      'on stop lets an in-flight handler finish (and publish) and acknowledges its message',
      async () => {
        const topic = uniqueTestTopic(1);
        const downstream = uniqueTestTopic(1, 'downstream');
        const groupId = uniqueGroupId('graceful');
        const inFlight = testEvent('k', 0);
        let release: () => void = () => undefined;
        const gate = new Promise<void>((resolve) => (release = resolve));
        let started = false;
        let finished = false;
        const member = harness.createBus();
        await member.ensureTopics([topic, downstream]);
        await member.subscribe(topic, {
          groupId,
          retry: settings.retry,
          handler: async (event) => {
            started = true;
            await gate;
            await member.publish(downstream, { ...event, id: `${event.id}-result` });
            finished = true;
          },
        });
        await member.start();
        const publisher = await publisherFor(topic);
        await publisher.publish(topic, inFlight);
        await wait('the handler to start', () => started);

        const stopping = member.stop();
        release();
        await stopping;
        expect(finished).toBe(true);
        const [result] = await harness.readRecords(downstream.name, 1);
        expect(JSON.parse(result?.value?.toString('utf8') ?? '{}')).toMatchObject({ id: `${inFlight.id}-result` });

        const later = testEvent('k', 1);
        await publisher.publish(topic, later);
        const seen = recorder();
        await consumerFor(topic, groupId, seen.handler);
        await wait('the next message', () => seen.deliveries.length >= 1);
        // Same partition: had the in-flight message not been acknowledged, it would come first.
        expect(seen.ids()).toEqual([later.id]);
      },
      timeout(),
    );

    it(
      'runs the handler in the trace context that was active at publish',
      async () => {
        const topic = uniqueTestTopic(1);
        const seen: Array<{ traceId?: string; spanId?: string; headers: Readonly<Record<string, string>> }> = [];
        await consumerFor(topic, uniqueGroupId('trace'), (_event, metadata) => {
          const span = trace.getSpanContext(context.active());
          seen.push({ traceId: span?.traceId, spanId: span?.spanId, headers: metadata.headers });
        });
        const publisher = await publisherFor(topic);
        const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
        const spanId = '00f067aa0ba902b7';
        const active = trace.setSpanContext(ROOT_CONTEXT, {
          traceId,
          spanId,
          traceFlags: TraceFlags.SAMPLED,
          traceState: createTraceState('argus=contract'),
        });

        await context.with(active, () => publisher.publish(topic, testEvent('k', 0)));
        await wait('the message', () => seen.length === 1);

        expect(seen[0]?.headers[TraceHeaders.traceparent]).toBe(`00-${traceId}-${spanId}-01`);
        expect(seen[0]?.headers[TraceHeaders.tracestate]).toBe('argus=contract');
        expect(seen[0]?.traceId).toBe(traceId);
      },
      timeout(),
    );
  });
}
