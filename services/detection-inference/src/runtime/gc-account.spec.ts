import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { GcAccount, addGcStats } from './gc-account';

setFlagsFromString('--expose-gc');
const forceFullGc = runInNewContext('gc') as () => void;

/** Performance entries are delivered after the GC, on a later turn of the event loop. */
const entriesDelivered = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('GcAccount', () => {
  let account: GcAccount;
  beforeEach(() => {
    account = new GcAccount();
  });
  afterEach(() => account.stop());

  it('counts full collections and their pauses, then starts again from zero', async () => {
    forceFullGc();
    forceFullGc();
    await entriesDelivered();
    const first = account.take();
    expect(first.fullGcs).toBeGreaterThanOrEqual(2);
    expect(first.pauseMs).toBeGreaterThan(0);
    expect(account.take()).toEqual({ pauseMs: 0, fullGcs: 0 });
  });

  it('counts young-generation collections as pauses, not as full ones', async () => {
    forceFullGc(); // a fresh old-generation limit: the garbage below cannot reach it
    await entriesDelivered();
    account.take();
    // Short-lived garbage (kept briefly, so the compiler cannot elide it): scavenges only.
    let recent: unknown[] = [];
    for (let i = 0; i < 1_000_000; i++) {
      recent.push({ i, s: `x${i}` });
      if (recent.length === 1_000) recent = [];
    }
    await entriesDelivered();
    const stats = account.take();
    expect(stats.fullGcs).toBe(0);
    expect(stats.pauseMs).toBeGreaterThan(0);
  });

  it('adds counts', () => {
    expect(addGcStats({ pauseMs: 1.5, fullGcs: 1 }, { pauseMs: 2, fullGcs: 3 })).toEqual({ pauseMs: 3.5, fullGcs: 4 });
  });
});
