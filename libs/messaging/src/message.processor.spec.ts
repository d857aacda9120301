import { DeadLetterHeaders } from '@argus/contracts';
import { decodeHeaders } from './message.headers';
import { MessageProcessor, type DeadLetterRecord, type InboundRecord } from './message.processor';
import { MessageTracer } from './message.tracer';
import type { MessageHandler } from './message-bus.port';
import { RetryPolicy } from './retry.policy';
import { RecordingLogger } from './testing/recording.logger';
import { testEvent, type TestEvent, uniqueTestTopic } from './testing/test-event.topic';

const topic = uniqueTestTopic(3);
const event = testEvent('line-1/cam-a', 7, 'event-1');
const record = (value: Buffer | null = Buffer.from(JSON.stringify(event))): InboundRecord => ({
  topic: topic.name,
  partition: 2,
  offset: '41',
  key: Buffer.from('line-1/cam-a'),
  value,
  headers: { 'argus-event-type': topic.name },
});

function processorWith(handler: MessageHandler<TestEvent>, deadLetter: (r: DeadLetterRecord) => Promise<void>, sleeps: number[] = []) {
  return new MessageProcessor({
    topic,
    groupId: 'alerting',
    handler,
    retry: new RetryPolicy({ attempts: 4, initialBackoffMs: 100, maxBackoffMs: 250 }),
    deadLetter,
    sleep: async (ms) => void sleeps.push(ms),
    logger: new RecordingLogger(),
    tracer: new MessageTracer('test'),
    now: () => new Date('2026-11-28T10:00:00.000Z'),
  });
}

const unexpectedDeadLetter = jest.fn(async () => {
  throw new Error('unexpected dead-letter write');
});

describe('MessageProcessor', () => {
  describe('read-ahead hints', () => {
    const withHint = (hint: (message: TestEvent) => void, logger = new RecordingLogger()) =>
      new MessageProcessor({
        topic,
        groupId: 'alerting',
        handler: jest.fn(),
        readAhead: { messagesPerKey: 2, hint },
        retry: new RetryPolicy({ attempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 }),
        deadLetter: unexpectedDeadLetter,
        sleep: async () => undefined,
        logger,
        tracer: new MessageTracer('test'),
      });

    it('passes a valid message to the hint with where it sits, and runs no handler', () => {
      const hint = jest.fn();
      withHint(hint).hint(record());
      expect(hint).toHaveBeenCalledWith(event, {
        topic: topic.name,
        partition: 2,
        offset: '41',
        key: 'line-1/cam-a',
        headers: { 'argus-event-type': topic.name },
        groupId: 'alerting',
      });
    });

    it('skips an invalid message (its own turn dead-letters it) and logs a hint that throws, without throwing', () => {
      const hint = jest.fn();
      withHint(hint).hint(record(Buffer.from('{"not":"an event"}')));
      expect(hint).not.toHaveBeenCalled();

      const logger = new RecordingLogger();
      expect(() =>
        withHint(() => {
          throw new Error('object store down');
        }, logger).hint(record()),
      ).not.toThrow();
      expect(logger.messages('warn')).toEqual([expect.stringMatching(/read-ahead hint failed/)]);
    });

    it('does nothing without a readAhead option', () => {
      expect(() => processorWith(jest.fn(), unexpectedDeadLetter).hint(record())).not.toThrow();
    });
  });

  it('hands the parsed message and its metadata to the handler and reports handled', async () => {
    const handler = jest.fn();
    const outcome = await processorWith(handler, unexpectedDeadLetter).process(record(), new AbortController().signal);
    expect(outcome).toBe('handled');
    expect(handler).toHaveBeenCalledTimes(1);
    expect(handler).toHaveBeenCalledWith(event, {
      topic: topic.name,
      partition: 2,
      offset: '41',
      key: 'line-1/cam-a',
      headers: { 'argus-event-type': topic.name },
      attempt: 1,
      groupId: 'alerting',
    });
  });

  it('waits the policy backoff between attempts, then dead-letters with the last error', async () => {
    const sleeps: number[] = [];
    const written: DeadLetterRecord[] = [];
    let calls = 0;
    const outcome = await processorWith(
      () => {
        calls += 1;
        throw new Error(`failure ${calls}`);
      },
      async (r) => void written.push(r),
      sleeps,
    ).process(record(), new AbortController().signal);

    expect(outcome).toBe('dead-lettered');
    expect(calls).toBe(4);
    expect(sleeps).toEqual([100, 200, 250]);
    expect(written).toHaveLength(1);
    const [dead] = written;
    expect(dead?.topic).toBe(`${topic.name}.dlq`);
    expect(dead?.value?.equals(Buffer.from(JSON.stringify(event)))).toBe(true);
    expect(decodeHeaders(dead?.headers)).toEqual({
      'argus-event-type': topic.name,
      [DeadLetterHeaders.reason]: 'Error: failure 4',
      [DeadLetterHeaders.errorCode]: 'handler-failed',
      [DeadLetterHeaders.originalTopic]: topic.name,
      [DeadLetterHeaders.originalPartition]: '2',
      [DeadLetterHeaders.originalOffset]: '41',
      [DeadLetterHeaders.originalKey]: 'line-1/cam-a',
      [DeadLetterHeaders.consumerGroup]: 'alerting',
      [DeadLetterHeaders.attempts]: '4',
      [DeadLetterHeaders.failedAt]: '2026-11-28T10:00:00.000Z',
    });
  });

  it('dead-letters an invalid message without calling the handler', async () => {
    const handler = jest.fn();
    const written: DeadLetterRecord[] = [];
    const outcome = await processorWith(handler, async (r) => void written.push(r)).process(
      record(Buffer.from(JSON.stringify({ ...event, seq: 'x' }))),
      new AbortController().signal,
    );
    expect(outcome).toBe('dead-lettered');
    expect(handler).not.toHaveBeenCalled();
    expect(decodeHeaders(written[0]?.headers)).toMatchObject({
      [DeadLetterHeaders.errorCode]: 'invalid-message',
      [DeadLetterHeaders.attempts]: '0',
      [DeadLetterHeaders.reason]: expect.stringMatching(/^seq: /),
    });
  });

  it('rejects (so nothing is acknowledged) when the dead-letter write fails', async () => {
    const failingWrite = jest.fn(async () => {
      throw new Error('broker unavailable');
    });
    await expect(
      processorWith(() => Promise.reject(new Error('x')), failingWrite).process(record(), new AbortController().signal),
    ).rejects.toThrow('broker unavailable');
    expect(failingWrite).toHaveBeenCalledTimes(1);
  });

  it('abandons the message when stopping between retries: no more attempts, no dead letter', async () => {
    const abort = new AbortController();
    let calls = 0;
    const processor = new MessageProcessor({
      topic,
      groupId: 'alerting',
      handler: () => {
        calls += 1;
        throw new Error('down');
      },
      retry: new RetryPolicy({ attempts: 4, initialBackoffMs: 100, maxBackoffMs: 250 }),
      deadLetter: unexpectedDeadLetter,
      sleep: async () => abort.abort(),
      logger: new RecordingLogger(),
      tracer: new MessageTracer('test'),
    });
    expect(await processor.process(record(), abort.signal)).toBe('abandoned');
    expect(calls).toBe(1);
    expect(unexpectedDeadLetter).not.toHaveBeenCalled();
  });

  it('abandons a failure that happens while stopping, but acknowledges a success', async () => {
    const abort = new AbortController();
    const failing = processorWith(() => {
      abort.abort();
      throw new Error('interrupted');
    }, unexpectedDeadLetter);
    expect(await failing.process(record(), abort.signal)).toBe('abandoned');

    const stopping = new AbortController();
    stopping.abort();
    expect(await processorWith(() => undefined, unexpectedDeadLetter).process(record(), stopping.signal)).toBe('handled');
  });
});
