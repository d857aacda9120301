import { RequestCoalescer } from './request.coalescer';

/** A send whose calls are recorded and settled by hand. */
function manualSend() {
  const calls: { items: readonly string[]; resolve: () => void; reject: (e: Error) => void }[] = [];
  const send = (items: readonly string[]) => new Promise<void>((resolve, reject) => calls.push({ items, resolve, reject }));
  return { calls, send };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('RequestCoalescer', () => {
  it('sends what was submitted in the same turn as one request, in order', async () => {
    const { calls, send } = manualSend();
    const coalescer = new RequestCoalescer<string>(send);
    const settled = ['a', 'b', 'c'].map((x) => coalescer.submit(x));
    expect(calls).toHaveLength(0); // nothing leaves synchronously
    await turn();
    expect(calls.map((c) => c.items)).toEqual([['a', 'b', 'c']]);
    calls[0]?.resolve();
    await expect(Promise.all(settled)).resolves.toEqual([undefined, undefined, undefined]);
  });

  it('keeps one request in flight: what arrives meanwhile goes next, together', async () => {
    const { calls, send } = manualSend();
    const coalescer = new RequestCoalescer<string>(send);
    const first = coalescer.submit('a');
    await turn();
    const later = [coalescer.submit('b'), coalescer.submit('c')];
    await turn();
    expect(calls.map((c) => c.items)).toEqual([['a']]);
    calls[0]?.resolve();
    await first;
    await turn();
    expect(calls.map((c) => c.items)).toEqual([['a'], ['b', 'c']]);
    calls[1]?.resolve();
    await Promise.all(later);
  });

  it('fails every item of a failed request, and only those; the next request still goes', async () => {
    const { calls, send } = manualSend();
    const coalescer = new RequestCoalescer<string>(send);
    const failed = [coalescer.submit('a'), coalescer.submit('b')];
    await turn();
    const next = coalescer.submit('c');
    calls[0]?.reject(new Error('broker unavailable'));
    for (const f of failed) await expect(f).rejects.toThrow('broker unavailable');
    await turn();
    expect(calls[1]?.items).toEqual(['c']);
    calls[1]?.resolve();
    await expect(next).resolves.toBeUndefined();
  });

  it('splits what waits into requests of at most maxItems', async () => {
    const { calls, send } = manualSend();
    const coalescer = new RequestCoalescer<string>(send, { maxItems: 2 });
    const all = ['a', 'b', 'c', 'd', 'e'].map((x) => coalescer.submit(x));
    for (let i = 0; i < 3; i++) {
      await turn();
      calls[i]?.resolve();
      await turn();
    }
    await Promise.all(all);
    expect(calls.map((c) => c.items)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('gives each item its own result, and fails only the items answered with an Error', async () => {
    const coalescer = new RequestCoalescer<number, number>(async (items) =>
      items.map((n) => (n < 0 ? new RangeError(`negative: ${n}`) : n * 2)),
    );
    const [a, b, c] = [coalescer.submit(1), coalescer.submit(-1), coalescer.submit(3)];
    await expect(a).resolves.toBe(2);
    await expect(b).rejects.toThrow('negative: -1');
    await expect(c).resolves.toBe(6);
  });

  it('fails the whole request when send answers the wrong number of outcomes', async () => {
    const coalescer = new RequestCoalescer<number, number>(async () => [1]);
    const both = [coalescer.submit(1), coalescer.submit(2)];
    for (const p of both) await expect(p).rejects.toThrow('BUG: a request of 2 items answered 1 outcomes');
  });

  it('sends each item again alone, in order, when retryAloneWhen accepts the error: only the bad one fails', async () => {
    const requests: (readonly string[])[] = [];
    const coalescer = new RequestCoalescer<string, string>(
      async (items) => {
        requests.push(items);
        if (items.includes('bad')) throw new RangeError(`refused: ${items.join(',')}`);
        return items.map((x) => x.toUpperCase());
      },
      { retryAloneWhen: (error) => error instanceof RangeError },
    );
    const outcomes = await Promise.allSettled(['a', 'bad', 'c'].map((x) => coalescer.submit(x)));
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual(['A', 'refused: bad', 'C']);
    expect(requests).toEqual([['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
  });

  it('fails every item when retryAloneWhen does not accept the error', async () => {
    const requests: (readonly string[])[] = [];
    const coalescer = new RequestCoalescer<string>(
      async (items) => {
        requests.push(items);
        throw new Error('connection refused');
      },
      { retryAloneWhen: (error) => error instanceof RangeError },
    );
    const outcomes = await Promise.allSettled(['a', 'b'].map((x) => coalescer.submit(x)));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(requests).toEqual([['a', 'b']]);
  });

  it('refuses a maxItems that is not a positive integer', () => {
    expect(() => new RequestCoalescer(async () => undefined, { maxItems: 0 })).toThrow(RangeError);
  });
});
