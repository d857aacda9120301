import { EventLoopStallWatchdog, eventLoopStallThresholdFromEnv } from './event-loop-stall.watchdog';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function blockFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // synchronous work: nothing else on this thread runs meanwhile
  }
}

describe('EventLoopStallWatchdog', () => {
  it('warns once when the event loop is held past the threshold, saying for how long', async () => {
    const warnings: { fields: Record<string, number>; message: string }[] = [];
    const watchdog = new EventLoopStallWatchdog(
      { warn: (fields, message) => warnings.push({ fields: fields as Record<string, number>, message }) },
      { thresholdMs: 200, intervalMs: 20 },
    );
    watchdog.start();
    try {
      await sleep(60);
      blockFor(450);
      await sleep(150);
    } finally {
      watchdog.stop();
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields['blockedMs']).toBeGreaterThanOrEqual(400);
    expect(warnings[0]?.fields['gcMs']).toBeGreaterThanOrEqual(0);
    expect(warnings[0]?.message).toMatch(/^event loop stalled for \d+ ms \(garbage collection \d+ ms of it\)$/);
  });

  it('says nothing while the loop keeps up', async () => {
    const warn = jest.fn();
    const watchdog = new EventLoopStallWatchdog({ warn }, { thresholdMs: 2_000, intervalMs: 20 });
    watchdog.start();
    blockFor(50);
    await sleep(200);
    watchdog.stop();
    expect(warn).not.toHaveBeenCalled();
  });

  it('reads its threshold from ARGUS_EVENT_LOOP_STALL_MS, and refuses a malformed one', () => {
    expect(eventLoopStallThresholdFromEnv({})).toBe(500);
    expect(eventLoopStallThresholdFromEnv({ ARGUS_EVENT_LOOP_STALL_MS: '0' })).toBe(0);
    expect(eventLoopStallThresholdFromEnv({ ARGUS_EVENT_LOOP_STALL_MS: '250' })).toBe(250);
    expect(() => eventLoopStallThresholdFromEnv({ ARGUS_EVENT_LOOP_STALL_MS: 'soon' })).toThrow(/ARGUS_EVENT_LOOP_STALL_MS/);
    expect(() => new EventLoopStallWatchdog({ warn: jest.fn() }, { thresholdMs: 0 })).toThrow(RangeError);
  });
});
