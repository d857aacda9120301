import type { Batch, KafkaMessage } from 'kafkajs';
import type { InboundRecord, ProcessOutcome, RecordProcessor } from '../message.processor';
import { PartitionBatchRunner, type PartitionOffset } from './partition-batch.runner';

/** A batch of partition 3 of `t`: one message per key, offsets from 10 on. */
function batchOf(keys: readonly string[]): Batch {
  const messages = keys.map((key, i) => ({ key: Buffer.from(key), value: Buffer.from(`${key}${i}`), offset: String(10 + i), headers: {} }));
  return { topic: 't', partition: 3, messages: messages as unknown as KafkaMessage[] } as unknown as Batch;
}

/** A processor whose every call is recorded; `outcomeOf` decides each message (by value). */
class ScriptedProcessor implements RecordProcessor {
  readonly events: string[] = [];
  constructor(private readonly outcomeOf: (value: string) => Promise<ProcessOutcome> = async () => 'handled') {}
  async process(record: InboundRecord): Promise<ProcessOutcome> {
    const value = String(record.value);
    this.events.push(`start ${value}`);
    const outcome = await this.outcomeOf(value);
    this.events.push(`end ${value}`);
    return outcome;
  }
  hint(record: InboundRecord): void {
    this.events.push(`hint ${String(record.value)}`);
  }
}

function runnerFor(
  keys: readonly string[],
  processor: RecordProcessor,
  options: { keysInFlight?: number; readAheadPerKey?: number; commit?: (o: PartitionOffset) => Promise<void> } = {},
) {
  const commits: string[] = [];
  const resolved: string[] = [];
  const runner = new PartitionBatchRunner(
    { batch: batchOf(keys), resolveOffset: (offset) => resolved.push(offset), isRunning: () => true, isStale: () => false },
    {
      processor,
      keysInFlight: options.keysInFlight ?? 2,
      readAheadPerKey: options.readAheadPerKey ?? 0,
      signal: new AbortController().signal,
      commit:
        options.commit ??
        (async (o) => {
          commits.push(`${o.topic}/${o.partition}@${o.offset}`);
        }),
    },
  );
  return { runner, commits, resolved };
}

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('PartitionBatchRunner', () => {
  it('runs the keys at once, each key in order, and commits only the done prefix, in order', async () => {
    const slow = deferred();
    const processor = new ScriptedProcessor(async (value) => {
      if (value === 'a0') await slow.promise;
      return 'handled';
    });
    const { runner, commits, resolved } = runnerFor(['a', 'b', 'a'], processor);
    const done = runner.run();
    await new Promise((r) => setImmediate(r));
    expect(processor.events).toEqual(['start a0', 'start b1', 'end b1']);
    expect(commits).toEqual([]); // b1 is done, but a0 before it is not
    slow.resolve();
    await done;
    expect(processor.events).toEqual(['start a0', 'start b1', 'end b1', 'end a0', 'start a2', 'end a2']);
    expect(commits).toEqual(['t/3@12', 't/3@13']);
    expect(resolved).toEqual(['11', '12']);
    expect(runner.failure).toBeUndefined();
    expect(runner.abandoned).toBe(false);
  });

  it('hints the next messages of a key as one starts, each once', async () => {
    const processor = new ScriptedProcessor();
    const { runner } = runnerFor(['a', 'a', 'a'], processor, { readAheadPerKey: 1 });
    await runner.run();
    expect(processor.events).toEqual(['hint a1', 'start a0', 'end a0', 'hint a2', 'start a1', 'end a1', 'start a2', 'end a2']);
  });

  it('on a failing message keeps its error, launches nothing more and commits only what came before it', async () => {
    const failure = new Error('dead-letter write failed');
    const processor = new ScriptedProcessor(async (value) => {
      if (value === 'a1') throw failure;
      return 'handled';
    });
    const { runner, commits } = runnerFor(['a', 'a', 'b', 'b'], processor, { keysInFlight: 1 });
    await runner.run();
    expect(runner.failure).toBe(failure);
    expect(processor.events).toEqual(['start a0', 'end a0', 'start a1']);
    expect(commits).toEqual(['t/3@11']);
  });

  it('stops at an abandoned message (stopping) without committing it', async () => {
    const processor = new ScriptedProcessor(async (value) => (value === 'a0' ? 'abandoned' : 'handled'));
    const { runner, commits } = runnerFor(['a', 'a'], processor);
    await runner.run();
    expect(runner.abandoned).toBe(true);
    expect(runner.failure).toBeUndefined();
    expect(processor.events).toEqual(['start a0', 'end a0']);
    expect(commits).toEqual([]);
  });

  it('keeps a failed commit as its failure and launches nothing more', async () => {
    const failure = new Error('rebalance in progress');
    const processor = new ScriptedProcessor();
    const { runner } = runnerFor(['a', 'a', 'a'], processor, {
      keysInFlight: 1,
      commit: async () => {
        throw failure;
      },
    });
    await runner.run();
    expect(runner.failure).toBe(failure);
    expect(processor.events.filter((e) => e.startsWith('start')).length).toBeLessThan(3);
  });
});
