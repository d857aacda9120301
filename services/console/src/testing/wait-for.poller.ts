import { setTimeout as delay } from 'node:timers/promises';

export interface WaitForOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
}

/**
 * Polls `condition` until it holds; rejects after `timeoutMs` naming what was awaited (and the
 * last state, when `describe` is given). The only way tests here wait: never a fixed sleep.
 */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  options: WaitForOptions,
  describe?: () => string,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}${describe ? ` (${describe()})` : ''}`);
    }
    await delay(options.intervalMs ?? 25);
  }
}
