import { det, gt, mixedCase } from './eval-fixtures.spec-helper';
import type { EvaluationImage } from './evaluation-image';
import { evaluateAtThreshold, findBestF1Threshold } from './threshold-metrics';

describe('evaluateAtThreshold', () => {
  it('counts what is reported at the deployment threshold', () => {
    // ≥ 0.65: right (0.9), wrong (0.8), right (0.7); one box of four never found, one found at 0.6.
    const m = evaluateAtThreshold(mixedCase, { classes: ['a'], scoreThreshold: 0.65 });
    expect(m).toMatchObject({ truePositives: 2, falsePositives: 1, falseNegatives: 2 });
    expect(m.precision).toBeCloseTo(2 / 3, 12);
    expect(m.recall).toBe(0.5);
    expect(m.f1).toBeCloseTo(4 / 7, 12);
    expect(m.perClass[0]).toMatchObject({ className: 'a', truePositives: 2 });
  });

  it('reports per class, with the wrong class counted as a false positive and a miss', () => {
    const images: EvaluationImage[] = [
      {
        id: '1',
        groundTruth: [gt('a', 0, 0, 10, 10), gt('b', 20, 20, 30, 30)],
        detections: [det('b', 0.9, 0, 0, 10, 10), det('b', 0.9, 20, 20, 30, 30)],
      },
    ];
    const m = evaluateAtThreshold(images, { classes: ['a', 'b'], scoreThreshold: 0.5 });
    expect(m.perClass.map((c) => [c.truePositives, c.falsePositives, c.falseNegatives])).toEqual([
      [0, 0, 1],
      [1, 1, 0],
    ]);
    expect(m.f1).toBeCloseTo(0.5, 12);
  });

  it('scores an empty image with nothing reported as perfect', () => {
    const m = evaluateAtThreshold([{ id: '1', groundTruth: [], detections: [det('a', 0.1, 0, 0, 1, 1)] }], {
      classes: ['a'],
      scoreThreshold: 0.5,
    });
    expect([m.precision, m.recall]).toEqual([1, 1]);
  });
});

describe('findBestF1Threshold', () => {
  it('finds the score with the best F1', () => {
    // Thresholds .9 → F1 .4, .8 → .333, .7 → .571, .6 → .75.
    const best = findBestF1Threshold(mixedCase, { classes: ['a'] });
    expect(best.scoreThreshold).toBe(0.6);
    expect(best.f1).toBeCloseTo(0.75, 12);
  });
});
