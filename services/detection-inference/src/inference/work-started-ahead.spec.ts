import { WorkStartedAhead } from './work-started-ahead';

describe('WorkStartedAhead', () => {
  it('starts work once per key and hands it to the first take only', async () => {
    const ahead = new WorkStartedAhead<string>(4);
    const work = jest.fn(async () => 'scored');
    ahead.start('frame-1', work);
    ahead.start('frame-1', work);
    expect(work).toHaveBeenCalledTimes(1);
    await expect(ahead.take('frame-1')).resolves.toBe('scored');
    expect(ahead.take('frame-1')).toBeUndefined();
    expect(ahead.take('frame-2')).toBeUndefined();
  });

  it('keeps a failure for the taker, without an unhandled rejection meanwhile', async () => {
    const ahead = new WorkStartedAhead<string>(4);
    ahead.start('frame-1', async () => {
      throw new Error('object missing');
    });
    ahead.start('frame-2', () => {
      throw new Error('thrown before any promise');
    });
    await new Promise((resolve) => setImmediate(resolve)); // an unhandled rejection would surface here
    await expect(ahead.take('frame-1')).rejects.toThrow('object missing');
    await expect(ahead.take('frame-2')).rejects.toThrow('thrown before any promise');
  });

  it('drops the oldest untaken work beyond its capacity', () => {
    const ahead = new WorkStartedAhead<number>(2);
    for (const [i, key] of ['a', 'b', 'c'].entries()) ahead.start(key, async () => i);
    expect(ahead.size).toBe(2);
    expect(ahead.take('a')).toBeUndefined();
    expect(ahead.take('b')).toBeDefined();
    expect(ahead.take('c')).toBeDefined();
    expect(() => new WorkStartedAhead(0)).toThrow(RangeError);
  });
});
