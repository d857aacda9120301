import { ManualBatchTimer } from '../testing/manual-batch.timer';
import { type BatchItemOutcome, FrameBatchCollector } from './frame-batch.collector';

/** Lets pending promise callbacks run (no time passes). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('FrameBatchCollector', () => {
  let timer: ManualBatchTimer;
  let batches: string[][];
  let release: Array<ReturnType<typeof deferred<void>>>;

  function collector(maxSize: number, maxWaitMs: number, concurrency?: number) {
    return new FrameBatchCollector<string, string>({
      maxSize,
      maxWaitMs,
      ...(concurrency === undefined ? {} : { concurrency }),
      timer,
      process: async (items) => {
        batches.push([...items]);
        const gate = deferred<void>();
        release.push(gate);
        await gate.promise;
        return items.map((item): BatchItemOutcome<string> =>
          item.startsWith('bad') ? { ok: false, error: new Error(`${item} is bad`) } : { ok: true, value: item.toUpperCase() },
        );
      },
    });
  }

  beforeEach(() => {
    timer = new ManualBatchTimer();
    batches = [];
    release = [];
  });

  it('flushes as soon as maxSize items wait (size trigger), without waiting for the timer', async () => {
    const c = collector(3, 1_000);
    const results = ['a', 'b', 'c'].map((i) => c.submit(i));
    await settle();
    expect(batches).toEqual([['a', 'b', 'c']]);
    expect(timer.scheduled).toBe(0);
    release[0]?.resolve();
    await expect(Promise.all(results)).resolves.toEqual(['A', 'B', 'C']);
  });

  it('flushes what waits when the oldest item has waited maxWaitMs (time trigger), not before', async () => {
    const c = collector(8, 20);
    const a = c.submit('a');
    timer.advance(15);
    const b = c.submit('b');
    await settle();
    expect(batches).toEqual([]);
    timer.advance(4);
    await settle();
    expect(batches).toEqual([]);
    timer.advance(1); // 20 ms after 'a'
    await settle();
    expect(batches).toEqual([['a', 'b']]);
    release[0]?.resolve();
    await expect(Promise.all([a, b])).resolves.toEqual(['A', 'B']);
  });

  it('by default (concurrency 1) runs one batch at a time; items arriving meanwhile form the next batch when it is due', async () => {
    const c = collector(2, 10);
    const first = [c.submit('a'), c.submit('b')];
    await settle();
    expect(batches).toEqual([['a', 'b']]);
    const later = [c.submit('c'), c.submit('d'), c.submit('e')];
    timer.advance(50);
    await settle();
    expect(batches).toHaveLength(1); // the first batch is still running
    release[0]?.resolve();
    await expect(Promise.all(first)).resolves.toEqual(['A', 'B']);
    await settle();
    expect(batches[1]).toEqual(['c', 'd']); // full: flushed at once
    release[1]?.resolve();
    await settle();
    expect(batches).toHaveLength(2); // 'e' waits for its own time
    timer.advance(10);
    await settle();
    expect(batches[2]).toEqual(['e']);
    release[2]?.resolve();
    await expect(Promise.all(later)).resolves.toEqual(['C', 'D', 'E']);
  });

  it('with concurrency 2, a second batch starts while the first runs, and a third waits for a free worker', async () => {
    const c = collector(2, 10, 2);
    const results = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((i) => c.submit(i));
    await settle();
    // a+b and c+d are full: both start at once; e+f are full too but both workers are busy.
    expect(batches).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    release[1]?.resolve(); // the second batch ends first
    await settle();
    expect(batches[2]).toEqual(['e', 'f']); // the freed worker takes the next full batch at once
    await expect(Promise.all(results.slice(2, 4))).resolves.toEqual(['C', 'D']);
    timer.advance(10); // g's wait is over, but both workers are still busy
    await settle();
    expect(batches).toHaveLength(3);
    release[0]?.resolve();
    await settle();
    expect(batches[3]).toEqual(['g']);
    release[2]?.resolve();
    release[3]?.resolve();
    await expect(Promise.all(results)).resolves.toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G']);
  });

  it('with concurrency 2, items that are not due yet still wait for their batch to fill or their time', async () => {
    const c = collector(3, 10, 2);
    const a = c.submit('a');
    await settle();
    expect(batches).toEqual([]); // a free worker does not make a lone item due
    timer.advance(10);
    await settle();
    expect(batches).toEqual([['a']]);
    const rest = ['b', 'c', 'd'].map((i) => c.submit(i));
    await settle();
    expect(batches[1]).toEqual(['b', 'c', 'd']);
    release[0]?.resolve();
    release[1]?.resolve();
    await expect(Promise.all([a, ...rest])).resolves.toEqual(['A', 'B', 'C', 'D']);
  });

  it('fails only the item whose outcome failed', async () => {
    const c = collector(2, 10);
    const good = c.submit('good');
    const bad = c.submit('bad-frame');
    await settle();
    release[0]?.resolve();
    await expect(good).resolves.toBe('GOOD');
    await expect(bad).rejects.toThrow('bad-frame is bad');
  });

  it('fails every item of a batch whose processing threw, and keeps going with the next batch', async () => {
    let calls = 0;
    const c = new FrameBatchCollector<string, string>({
      maxSize: 2,
      maxWaitMs: 5,
      timer,
      process: async (items) => {
        calls++;
        if (calls === 1) throw new Error('worker died');
        return items.map((item) => ({ ok: true as const, value: item }));
      },
    });
    const first = [c.submit('a'), c.submit('b')];
    await expect(first[0]).rejects.toThrow('worker died');
    await expect(first[1]).rejects.toThrow('worker died');
    await expect(Promise.all([c.submit('c'), c.submit('d')])).resolves.toEqual(['c', 'd']);
  });

  it("counts batches, items, the model's busy time and the queue at each batch start, then resets", async () => {
    const release: Array<() => void> = [];
    const c = new FrameBatchCollector<string, string>({
      maxSize: 2,
      maxWaitMs: 5,
      timer,
      process: (items) => new Promise((resolve) => release.push(() => resolve(items.map((item) => ({ ok: true as const, value: item }))))),
    });
    const results = ['a', 'b', 'c', 'd', 'e'].map((item) => c.submit(item)); // a+b run; c, d, e wait
    await new Promise((resolve) => setTimeout(resolve, 20));
    release.shift()?.(); // a+b done → c+d start with e waiting
    await new Promise((resolve) => setImmediate(resolve));
    release.shift()?.();
    await Promise.all(results.slice(0, 4));
    const stats = c.takeStats();
    expect(stats).toMatchObject({ batches: 2, items: 4, waitingAtStart: 0 + 1, concurrency: 1 }); // a+b started with nothing behind them, c+d with e
    expect(stats.busyMs).toBeGreaterThanOrEqual(15);
    expect(stats.busyMs).toBeLessThanOrEqual(stats.elapsedMs);
    expect(c.takeStats()).toMatchObject({ batches: 0, items: 0, busyMs: 0, waitingAtStart: 0 });
    timer.advance(5);
    release.shift()?.();
    await results[4];
  });

  it('refuses nonsense sizes', () => {
    expect(() => collector(0, 10)).toThrow(RangeError);
    expect(() => collector(2, -1)).toThrow(RangeError);
    expect(() => collector(2, 10, 0)).toThrow(RangeError);
    expect(() => collector(2, 10, 1.5)).toThrow(RangeError);
  });
});
