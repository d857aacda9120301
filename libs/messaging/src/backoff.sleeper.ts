/** Waits `ms`, or less when `signal` aborts (then resolves, never rejects). */
export type Sleeper = (ms: number, signal: AbortSignal) => Promise<void>;

export const realSleeper: Sleeper = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** For unit tests: retries happen at once. */
export const noSleeper: Sleeper = () => Promise.resolve();
