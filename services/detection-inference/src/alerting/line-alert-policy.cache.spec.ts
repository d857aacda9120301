import type { LineAlertPolicy } from '@argus/persistence';
import { LineAlertPolicyCache } from './line-alert-policy.cache';

const policy = (minScore: number): LineAlertPolicy => ({
  lineId: 'line-1',
  settings: { dedupWindowSeconds: 5 },
  alertRules: [{ className: 'scratch', minScore, minBoxAreaPx2: 0, severity: 'high' }],
});

function harness(ttlMs: number) {
  let clock = 1_000;
  let minScore = 0.5;
  const reads: string[] = [];
  const source = {
    alertPolicyFor: jest.fn(async (lineId: string) => {
      reads.push(lineId);
      if (lineId === 'broken') throw new Error('connection reset');
      return lineId === 'missing' ? null : policy(minScore);
    }),
  };
  const cache = new LineAlertPolicyCache(source, { ttlMs, now: () => clock });
  return {
    cache,
    reads,
    advance: (ms: number) => void (clock += ms),
    edit: (score: number) => void (minScore = score),
  };
}

describe('LineAlertPolicyCache', () => {
  it('reads a line once per TTL, and again (seeing an edit) once the TTL is over', async () => {
    const { cache, reads, advance, edit } = harness(2_000);
    expect((await cache.alertPolicyFor('line-1'))?.alertRules[0]?.minScore).toBe(0.5);
    edit(0.8);
    advance(1_999);
    expect((await cache.alertPolicyFor('line-1'))?.alertRules[0]?.minScore).toBe(0.5);
    expect(reads).toEqual(['line-1']);
    advance(1);
    expect((await cache.alertPolicyFor('line-1'))?.alertRules[0]?.minScore).toBe(0.8);
    expect(reads).toEqual(['line-1', 'line-1']);
  });

  it('shares one read between concurrent frames of a line, and keeps lines apart', async () => {
    const { cache, reads } = harness(2_000);
    await Promise.all([cache.alertPolicyFor('line-1'), cache.alertPolicyFor('line-1'), cache.alertPolicyFor('missing')]);
    expect(reads).toEqual(['line-1', 'missing']);
    expect(await cache.alertPolicyFor('missing')).toBeNull();
    expect(reads).toEqual(['line-1', 'missing']);
  });

  it('does not keep a failed read', async () => {
    const { cache, reads } = harness(2_000);
    await expect(cache.alertPolicyFor('broken')).rejects.toThrow('connection reset');
    await expect(cache.alertPolicyFor('broken')).rejects.toThrow('connection reset');
    expect(reads).toEqual(['broken', 'broken']);
  });

  it('with a TTL of 0 reads for every call', async () => {
    const { cache, reads } = harness(0);
    await cache.alertPolicyFor('line-1');
    await cache.alertPolicyFor('line-1');
    expect(reads).toEqual(['line-1', 'line-1']);
  });

  it('refuses a negative TTL', () => {
    expect(() => harness(-1)).toThrow('ttlMs must be >= 0');
  });
});
