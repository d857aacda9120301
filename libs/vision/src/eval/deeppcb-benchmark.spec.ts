import { det, gt, mixedCase } from './eval-fixtures.spec-helper';
import type { EvaluationImage } from './evaluation-image';
import { evaluateDeepPcbBenchmark, scanDeepPcbThresholds } from './deeppcb-benchmark';

describe('evaluateDeepPcbBenchmark', () => {
  it('computes the non-interpolated AP and F-score of the hand-worked case', () => {
    // By confidence: right, wrong, right, right of 4 boxes → AP = (1/1 + 2/3 + 3/4) / 4.
    const r = evaluateDeepPcbBenchmark(mixedCase);
    expect(r.ap).toBeCloseTo((1 + 2 / 3 + 3 / 4) / 4, 12);
    expect(r).toMatchObject({ matched: 3, groundTruthCount: 4, detectionCount: 4 });
    expect(r.precision).toBe(0.75);
    expect(r.recall).toBe(0.75);
    expect(r.fScore).toBeCloseTo(0.75, 12);
  });

  it('gives 1 for perfect detections and 0 for the wrong class', () => {
    const perfect: EvaluationImage[] = [{ id: '1', groundTruth: [gt('open', 0, 0, 10, 10)], detections: [det('open', 0.4, 0, 0, 10, 10)] }];
    expect(evaluateDeepPcbBenchmark(perfect)).toMatchObject({ ap: 1, fScore: 1 });
    const wrong: EvaluationImage[] = [{ id: '1', groundTruth: [gt('open', 0, 0, 10, 10)], detections: [det('short', 0.9, 0, 0, 10, 10)] }];
    expect(evaluateDeepPcbBenchmark(wrong)).toMatchObject({ ap: 0, fScore: 0, matched: 0 });
  });

  it('accepts a detection whose IoU exceeds 0.33, and not one below', () => {
    // IoU of (0,0,10,10) with (5,0,15,10) is 1/3 > 0.33; with (6,0,16,10) it is 0.25.
    const at = (x: number): EvaluationImage[] => [
      { id: '1', groundTruth: [gt('spur', 0, 0, 10, 10)], detections: [det('spur', 0.9, x, 0, x + 10, 10)] },
    ];
    expect(evaluateDeepPcbBenchmark(at(5)).matched).toBe(1);
    expect(evaluateDeepPcbBenchmark(at(6)).matched).toBe(0);
  });

  it('matches in file order as the official script does, not by confidence', () => {
    // Both detections overlap the one box; the first listed takes it even with the lower score.
    const images: EvaluationImage[] = [
      {
        id: '1',
        groundTruth: [gt('copper', 0, 0, 10, 10)],
        detections: [det('copper', 0.2, 1, 1, 11, 11), det('copper', 0.9, 0, 0, 10, 10)],
      },
    ];
    const r = evaluateDeepPcbBenchmark(images);
    expect(r.matched).toBe(1);
    // By confidence the match (0.2) comes second: AP = (1/2) / 1.
    expect(r.ap).toBeCloseTo(0.5, 12);
  });

  it('drops detections under the score threshold before matching, as unwritten lines', () => {
    const r = evaluateDeepPcbBenchmark(mixedCase, { scoreThreshold: 0.65 });
    expect(r).toMatchObject({ matched: 2, detectionCount: 3 });
    expect(r.fScore).toBeCloseTo(4 / 7, 12);
    const scan = scanDeepPcbThresholds(mixedCase, [0.65, 0.5, 0.85]);
    expect(scan.best.scoreThreshold).toBe(0.5);
    expect(scan.results).toHaveLength(3);
  });
});
