import { SearchError } from '../search.errors';
import type { SearchObjective } from '../search.types';
import { dominates, hypervolume, paretoFront } from './pareto-front';
import { searchReward } from './search.reward';

const objective: SearchObjective = { targetMs: 10, alpha: -0.07, beta: -0.5, servingBatch: 1, servingThreads: 2 };

describe('searchReward (MnasNet)', () => {
  it('is AP × (latency / target)^alpha within the target', () => {
    // 0.8 × (5 / 10)^−0.07 = 0.8 × 2^0.07 = 0.8 × e^(0.07 ln 2) = 0.8 × 1.0497167 = 0.8397733
    expect(searchReward(0.8, 5, objective)).toBeCloseTo(0.8397733, 6);
    // At the target the factor is 1.
    expect(searchReward(0.8, 10, objective)).toBe(0.8);
  });

  it('is AP × (latency / target)^beta beyond it', () => {
    // 0.9 × (40 / 10)^−0.5 = 0.9 / 2 = 0.45
    expect(searchReward(0.9, 40, objective)).toBeCloseTo(0.45, 12);
    // With alpha 0 the target is a ceiling: no bonus for being faster.
    expect(searchReward(0.9, 2, { ...objective, alpha: 0 })).toBe(0.9);
  });

  it('refuses measurements and objectives it cannot score', () => {
    expect(() => searchReward(1.2, 5, objective)).toThrow(/AP must be a number from 0 to 1/);
    expect(() => searchReward(0.5, 0, objective)).toThrow(/latency must be a positive number/);
    expect(() => searchReward(0.5, Number.NaN, objective)).toThrow(SearchError);
    expect(() => searchReward(0.5, 5, { ...objective, targetMs: 0 })).toThrow(/targetMs must be a positive number/);
  });
});

describe('the Pareto front', () => {
  const p = (ap: number, latencyMs: number, id = '') => ({ ap, latencyMs, id });

  it('keeps the points nothing dominates, fastest first', () => {
    const points = [p(0.5, 10, 'a'), p(0.7, 20, 'b'), p(0.6, 25, 'c'), p(0.9, 40, 'd'), p(0.4, 5, 'e'), p(0.9, 50, 'f')];
    expect(paretoFront(points).map((x) => x.id)).toEqual(['e', 'a', 'b', 'd']);
  });

  it('handles ties: same AP slower is dominated, same latency less accurate is dominated, identical points both stay', () => {
    const points = [p(0.7, 20, 'a'), p(0.7, 30, 'b'), p(0.6, 20, 'c'), p(0.7, 20, 'd'), p(0.8, 30, 'e')];
    expect(paretoFront(points).map((x) => x.id)).toEqual(['a', 'd', 'e']);
    expect(dominates(p(0.7, 20), p(0.7, 20))).toBe(false);
    expect(dominates(p(0.7, 20), p(0.7, 30))).toBe(true);
    expect(paretoFront([])).toEqual([]);
  });
});

describe('the hypervolume', () => {
  const ref = { apRef: 0.2, latencyRefMs: 50 };

  it('is the dominated area above the reference point', () => {
    // One point: (0.6 − 0.2) × (50 − 10) = 16.
    expect(hypervolume([{ ap: 0.6, latencyMs: 10 }], ref)).toBeCloseTo(16, 12);
    // Two: (0.4, 10) and (0.8, 30): 0.2 × (30 − 10) + 0.6 × (50 − 30) = 4 + 12 = 16.
    expect(
      hypervolume(
        [
          { ap: 0.8, latencyMs: 30 },
          { ap: 0.4, latencyMs: 10 },
        ],
        ref,
      ),
    ).toBeCloseTo(16, 12);
  });

  it('adds nothing for dominated points, duplicates, or points worse than the reference', () => {
    const front = [
      { ap: 0.8, latencyMs: 30 },
      { ap: 0.4, latencyMs: 10 },
    ];
    const extra = [
      { ap: 0.5, latencyMs: 35 }, // dominated by (0.8, 30)
      { ap: 0.8, latencyMs: 30 }, // duplicate
      { ap: 0.95, latencyMs: 60 }, // slower than the reference
      { ap: 0.1, latencyMs: 1 }, // less accurate than the reference
      { ap: 0.2, latencyMs: 2 }, // exactly at the reference AP: a zero-height strip
    ];
    expect(hypervolume([...front, ...extra], ref)).toBeCloseTo(16, 12);
    expect(hypervolume([], ref)).toBe(0);
  });

  it('needs a finite reference point', () => {
    expect(() => hypervolume([], { apRef: 0, latencyRefMs: Infinity })).toThrow(/reference point must be finite/);
  });
});
