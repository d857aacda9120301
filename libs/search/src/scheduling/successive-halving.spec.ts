import { ashaPromotions, geometricRungs, promotionKey, rungIssues, type RungResult } from './successive-halving';

const result = (trialId: string, sequence: number, rung: number, reward: number): RungResult => ({ trialId, sequence, rung, reward });

describe('asynchronous successive halving', () => {
  it('promotes nothing until a rung has eta results, then its top 1/eta', () => {
    const two = [result('a', 0, 0, 0.5), result('b', 1, 0, 0.7)];
    expect(ashaPromotions(two, new Set(), 3, 3)).toEqual([]);
    const three = [...two, result('c', 2, 0, 0.6)];
    expect(ashaPromotions(three, new Set(), 3, 3)).toEqual([{ trialId: 'b', sequence: 1, fromRung: 0 }]);
  });

  it('does not promote a trial twice, and promotes the next best once the rung grows', () => {
    const six = [0.5, 0.7, 0.6, 0.9, 0.1, 0.2].map((reward, i) => result(`t${i}`, i, 0, reward));
    // ⌊6 / 3⌋ = 2: t3 (0.9) and t1 (0.7); t1 was promoted already.
    expect(ashaPromotions(six, new Set([promotionKey('t1', 0)]), 3, 3)).toEqual([{ trialId: 't3', sequence: 3, fromRung: 0 }]);
  });

  it('never promotes from the last rung, hands out the highest rung first, and breaks reward ties by sequence', () => {
    const results = [
      ...[0.4, 0.4, 0.3, 0.2].map((reward, i) => result(`t${i}`, i, 0, reward)),
      result('t0', 0, 1, 0.5),
      result('t1', 1, 1, 0.6),
      result('t1', 1, 2, 0.7),
      result('t0', 0, 2, 0.8),
    ];
    const promoted = new Set([promotionKey('t0', 0), promotionKey('t1', 0), promotionKey('t1', 1), promotionKey('t0', 1)]);
    expect(ashaPromotions(results, promoted, 3, 2)).toEqual([]);
    const fresh = ashaPromotions(results.slice(0, 6), new Set(), 3, 2);
    expect(fresh).toEqual([
      { trialId: 't1', sequence: 1, fromRung: 1 },
      { trialId: 't0', sequence: 0, fromRung: 0 },
      { trialId: 't1', sequence: 1, fromRung: 0 },
    ]);
  });

  it('builds geometric rungs and checks them', () => {
    const rungs = geometricRungs({ epochs: 2, trainImages: 40, cropsPerImage: 4 }, 3, 3);
    expect(rungs.map((r) => [r.rung, r.epochs])).toEqual([
      [0, 2],
      [1, 6],
      [2, 18],
    ]);
    expect(rungIssues(rungs, 3)).toEqual([]);
    expect(rungIssues([], 1)).toEqual(['rungs needs at least one proxy budget', 'eta must be a number above 1, got 1']);
    expect(rungIssues([...rungs.slice(1, 2), ...rungs.slice(0, 1)], 3)).toEqual([
      'rungs[0].rung must be 0, got 1',
      'rungs[1].rung must be 1, got 0',
      'rungs[1] trains less than rungs[0]: a higher rung must train at least as long',
    ]);
  });
});
