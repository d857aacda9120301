import { splitTrainValidation } from './dataset-split';

const samples = Array.from({ length: 100 }, (_, i) => ({ id: `s${i}`, group: i < 70 ? 'a' : 'b' }));

describe('splitTrainValidation', () => {
  it('is deterministic for a seed and independent of input order', () => {
    const one = splitTrainValidation(samples, { seed: 7, validationFraction: 0.2 });
    const shuffled = [...samples].reverse();
    const two = splitTrainValidation(shuffled, { seed: 7, validationFraction: 0.2 });
    expect(two.validation.map((s) => s.id).sort()).toEqual(one.validation.map((s) => s.id).sort());
    const other = splitTrainValidation(samples, { seed: 8, validationFraction: 0.2 });
    expect(other.validation.map((s) => s.id).sort()).not.toEqual(one.validation.map((s) => s.id).sort());
  });

  it('gives each group its share and covers every sample exactly once', () => {
    const { train, validation } = splitTrainValidation(samples, { seed: 1, validationFraction: 0.2 });
    expect(validation).toHaveLength(20);
    expect(validation.filter((s) => s.group === 'a')).toHaveLength(14);
    expect(validation.filter((s) => s.group === 'b')).toHaveLength(6);
    expect(new Set([...train, ...validation].map((s) => s.id)).size).toBe(100);
    expect(train).toHaveLength(80);
  });

  it('settles rounding by largest remainder so the total is round(n × fraction)', () => {
    const three = [
      { id: 'a1', group: 'a' },
      { id: 'a2', group: 'a' },
      { id: 'b1', group: 'b' },
      { id: 'c1', group: 'c' },
      { id: 'c2', group: 'c' },
    ];
    expect(splitTrainValidation(three, { seed: 3, validationFraction: 0.4 }).validation).toHaveLength(2);
  });

  it('keeps most of the old validation set when samples are added', () => {
    const before = splitTrainValidation(samples, { seed: 5, validationFraction: 0.2, stratum: () => '' });
    const grown = [...samples, ...Array.from({ length: 10 }, (_, i) => ({ id: `new${i}`, group: 'a' }))];
    const after = splitTrainValidation(grown, { seed: 5, validationFraction: 0.2, stratum: () => '' });
    const kept = before.validation.filter((s) => after.validation.some((t) => t.id === s.id));
    expect(kept.length).toBeGreaterThanOrEqual(17);
  });

  it('rejects a bad fraction and duplicate ids', () => {
    expect(() => splitTrainValidation(samples, { seed: 1, validationFraction: 1 })).toThrow(RangeError);
    expect(() => splitTrainValidation([{ id: 'x' }, { id: 'x' }], { seed: 1, validationFraction: 0.5 })).toThrow('duplicate sample id "x"');
  });
});
