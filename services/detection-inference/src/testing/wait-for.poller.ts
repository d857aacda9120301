import { setTimeout as delay } from 'node:timers/promises';

/**
 * Polls `condition` until it holds; rejects after `timeoutMs` naming what was awaited (and the last
 * state, when `describe` is given). The only way these tests wait: never a fixed sleep.
 */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number, describe?: () => string | Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe ? ` (${await describe()})` : ''}`);
    await delay(50);
  }
}
