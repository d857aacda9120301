import { learningRateAt } from './learning-rate.schedule';

describe('learningRateAt', () => {
  const options = { peak: 0.01, warmupSteps: 10, totalSteps: 110, finalFactor: 0.1, warmupStartFactor: 0 };

  it('warms up linearly to the peak', () => {
    expect(learningRateAt(0, options)).toBe(0);
    expect(learningRateAt(5, options)).toBeCloseTo(0.005, 12);
    expect(learningRateAt(10, options)).toBeCloseTo(0.01, 12);
  });

  it('decays along a cosine to the final rate and stays there', () => {
    // Halfway through the decay: the mean of peak and final.
    expect(learningRateAt(60, options)).toBeCloseTo((0.01 + 0.001) / 2, 12);
    expect(learningRateAt(35, options)).toBeCloseTo(0.001 + 0.5 * 0.009 * (1 + Math.cos(Math.PI / 4)), 12);
    expect(learningRateAt(110, options)).toBeCloseTo(0.001, 12);
    expect(learningRateAt(500, options)).toBeCloseTo(0.001, 12);
  });

  it('never increases after warm-up', () => {
    let previous = Infinity;
    for (let step = 10; step <= 110; step++) {
      const lr = learningRateAt(step, options);
      expect(lr).toBeLessThanOrEqual(previous + 1e-15);
      previous = lr;
    }
  });

  it('rejects nonsense', () => {
    expect(() => learningRateAt(0, { ...options, peak: 0 })).toThrow('peak learning rate must be positive');
    expect(() => learningRateAt(0, { ...options, totalSteps: 0 })).toThrow('totalSteps');
    expect(() => learningRateAt(0, { ...options, warmupSteps: 1.5 })).toThrow('warmupSteps');
  });
});
