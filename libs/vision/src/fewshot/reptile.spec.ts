import { metaStepSize, MetaUpdateError, reptileUpdate } from './reptile';

const w = (...values: number[]) => ({ shape: [values.length], values: Float32Array.from(values) });

describe('reptileUpdate', () => {
  it('moves θ a step ε towards the mean of the adapted weights (hand-computed)', () => {
    // θ = [1, 2] and [-1]; φ1 = [3, 2] and [1]; φ2 = [1, 6] and [-3]; ε = 0.5.
    // φ̄ = [2, 4] and [-1]; θ + 0.5·(φ̄ − θ) = [1 + 0.5·1, 2 + 0.5·2] = [1.5, 3] and [-1 + 0.5·0] = [-1].
    const theta = { a: w(1, 2), b: w(-1) };
    const next = reptileUpdate(
      theta,
      [
        { a: w(3, 2), b: w(1) },
        { a: w(1, 6), b: w(-3) },
      ],
      0.5,
    );
    expect(Array.from(next['a']?.values ?? [])).toEqual([1.5, 3]);
    expect(Array.from(next['b']?.values ?? [])).toEqual([-1]);
    expect(Array.from(theta.a.values)).toEqual([1, 2]); // pure: θ untouched
  });

  it('with ε = 1 and one task is that task’s weights; with ε = 0 it is θ', () => {
    const theta = { a: w(0.25, -4) };
    expect(Array.from(reptileUpdate(theta, [{ a: w(7, 8) }], 1)['a']?.values ?? [])).toEqual([7, 8]);
    expect(Array.from(reptileUpdate(theta, [{ a: w(7, 8) }], 0)['a']?.values ?? [])).toEqual([0.25, -4]);
  });

  it('refuses an empty meta-batch, a bad ε and mismatched weights', () => {
    const theta = { a: w(1, 2) };
    expect(() => reptileUpdate(theta, [], 0.5)).toThrow(MetaUpdateError);
    expect(() => reptileUpdate(theta, [{ a: w(1, 2) }], 1.5)).toThrow(/ε must be in \[0, 1\]/);
    expect(() => reptileUpdate(theta, [{ a: w(1) }], 0.5)).toThrow(/no a of shape \[2\]/);
    expect(() => reptileUpdate(theta, [{ a: w(1, 2), z: w(0) }], 0.5)).toThrow(/names θ lacks: z/);
  });
});

describe('metaStepSize', () => {
  it('decays linearly from initial to final (hand-computed)', () => {
    // initial 1, final 0.1, 10 steps: step 5 → 1 − 0.9·0.5 = 0.55; step 10 → 0.1; beyond → 0.1.
    const schedule = { initial: 1, final: 0.1 };
    expect(metaStepSize(0, 10, schedule)).toBe(1);
    expect(metaStepSize(5, 10, schedule)).toBeCloseTo(0.55, 12);
    expect(metaStepSize(10, 10, schedule)).toBeCloseTo(0.1, 12);
    expect(metaStepSize(20, 10, schedule)).toBeCloseTo(0.1, 12);
  });
});
