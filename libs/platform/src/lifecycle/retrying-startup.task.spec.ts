import { RetryingStartupTask } from './retrying-startup.task';

describe('RetryingStartupTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('retries with capped exponential backoff until the attempt succeeds', async () => {
    const attempt = jest
      .fn<Promise<void>, []>()
      .mockRejectedValueOnce(new Error('ECONNREFUSED'))
      .mockRejectedValueOnce(new Error('ECONNREFUSED'))
      .mockRejectedValueOnce(new Error('ECONNREFUSED'))
      .mockResolvedValue(undefined);
    const task = new RetryingStartupTask('postgres pool', attempt, { initialDelayMs: 100, maxDelayMs: 300 });
    const finished = task.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(() => task.assertDone()).toThrow('postgres pool has not succeeded yet (1 failed attempt(s)); last error: ECONNREFUSED');
    await jest.advanceTimersByTimeAsync(99);
    expect(attempt).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(1); // 100 ms
    expect(attempt).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(200); // doubled
    expect(attempt).toHaveBeenCalledTimes(3);
    await jest.advanceTimersByTimeAsync(299); // capped at 300, not 400
    expect(attempt).toHaveBeenCalledTimes(3);
    await jest.advanceTimersByTimeAsync(1);
    await finished;
    expect(attempt).toHaveBeenCalledTimes(4);
    expect(task.done).toBe(true);
    expect(() => task.assertDone()).not.toThrow();
    expect(task.attempts).toBe(4);
  });

  it('stops retrying on stop(), without waiting out the backoff', async () => {
    const attempt = jest.fn<Promise<void>, []>().mockRejectedValue(new Error('down'));
    const task = new RetryingStartupTask('bucket', attempt, { initialDelayMs: 60_000 });
    void task.start();
    await jest.advanceTimersByTimeAsync(0);
    await task.stop();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(task.done).toBe(false);
  });

  it('lets an attempt in progress settle before stop() resolves', async () => {
    let finish: () => void = () => undefined;
    const attempt = jest.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const task = new RetryingStartupTask('pool', attempt);
    void task.start();
    await jest.advanceTimersByTimeAsync(0);
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await jest.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(stopped).toBe(true);
    expect(task.done).toBe(false);
  });

  it('starts once', async () => {
    const attempt = jest.fn<Promise<void>, []>().mockResolvedValue(undefined);
    const task = new RetryingStartupTask('once', attempt);
    await Promise.all([task.start(), task.start()]);
    await task.start();
    expect(attempt).toHaveBeenCalledTimes(1);
  });
});
