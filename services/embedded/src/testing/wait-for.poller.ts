import { setTimeout as delay } from 'node:timers/promises';

/** Polls `condition` until it holds or `timeoutMs` passes (then fails naming what was awaited). Tests never sleep a fixed time. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(intervalMs);
  }
}
