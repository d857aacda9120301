import { setTimeout as delay } from 'node:timers/promises';

export interface WaitForOptions {
  readonly timeoutMs: number;
  /** How often the condition is asked (default 25 ms). */
  readonly intervalMs?: number;
}

/**
 * Polls `condition` until it holds; rejects after the timeout naming what was awaited (and the
 * last state, when `describe` is given). The only way tests wait: never a fixed sleep.
 */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeout: number | WaitForOptions,
  describe?: () => string | Promise<string>,
): Promise<void> {
  const { timeoutMs, intervalMs = 25 } = typeof timeout === 'number' ? { timeoutMs: timeout } : timeout;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe ? ` (${await describe()})` : ''}`);
    }
    await delay(intervalMs);
  }
}
