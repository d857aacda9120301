import type { Detection } from '@argus/contracts';
import { atAlertThreshold, boxIou, matchBoxes, shadowAgreement } from './shadow-agreement';

const box = (x1: number, y1: number, x2: number, y2: number) => ({ x1, y1, x2, y2 });
const det = (className: string, score: number, b = box(0, 0, 10, 10)): Detection => ({ className, score, box: b });

describe('boxIou', () => {
  it('is 1 for the same box, 0 for disjoint or touching boxes, the overlap share otherwise', () => {
    expect(boxIou(box(0, 0, 10, 10), box(0, 0, 10, 10))).toBe(1);
    expect(boxIou(box(0, 0, 10, 10), box(10, 0, 20, 10))).toBe(0);
    expect(boxIou(box(0, 0, 10, 10), box(5, 0, 15, 10))).toBeCloseTo(50 / 150);
  });
});

describe('matchBoxes', () => {
  it('matches same-class boxes at IoU >= 0.5 only', () => {
    const truth = [{ className: 'short', box: box(0, 0, 10, 10) }];
    expect(matchBoxes([det('short', 0.9, box(0, 0, 10, 10))], truth)).toEqual({ truePositives: 1, falsePositives: 0, falseNegatives: 0 });
    expect(matchBoxes([det('open', 0.9, box(0, 0, 10, 10))], truth)).toEqual({ truePositives: 0, falsePositives: 1, falseNegatives: 1 });
    // IoU 1/3: the same object for no one.
    expect(matchBoxes([det('short', 0.9, box(5, 0, 15, 10))], truth)).toEqual({ truePositives: 0, falsePositives: 1, falseNegatives: 1 });
    // IoU exactly 0.5 counts.
    expect(matchBoxes([det('short', 0.9, box(0, 0, 10, 5))], truth).truePositives).toBe(1);
  });

  it('matches one to one: a duplicate is a false positive, and the more confident box takes the object', () => {
    const truth = [
      { className: 'short', box: box(0, 0, 10, 10) },
      { className: 'short', box: box(8, 0, 18, 10) },
    ];
    // Two boxes on the first object: the stronger takes it, the weaker duplicate is a false positive, and the
    // second object (IoU 0.25 with either box) is missed.
    const strong = det('short', 0.9, box(0, 0, 10, 10));
    const weakDuplicate = det('short', 0.3, box(0, 0, 10, 10));
    expect(matchBoxes([weakDuplicate, strong], truth)).toEqual({ truePositives: 1, falsePositives: 1, falseNegatives: 1 });
  });
});

describe('atAlertThreshold', () => {
  it('keeps boxes at or above their class threshold, and drops classes the line does not alert on', () => {
    const kept = atAlertThreshold([det('short', 0.5), det('short', 0.49), det('spur', 0.99)], { short: 0.5 });
    expect(kept).toEqual([det('short', 0.5)]);
  });

  it("falls back to the line's catch-all `*` threshold, as the alert rules do", () => {
    expect(atAlertThreshold([det('short', 0.5), det('spur', 0.7), det('spur', 0.5)], { short: 0.4, '*': 0.6 })).toEqual([
      det('short', 0.5),
      det('spur', 0.7),
    ]);
  });
});

describe('shadowAgreement', () => {
  const thresholds = { short: 0.5, open: 0.5 };

  it('compares the shadow with production on every frame, and each with ground truth on reviewed frames only', () => {
    const a = box(0, 0, 10, 10);
    const b = box(50, 50, 60, 60);
    const stats = shadowAgreement(
      [
        // Both find the short; the shadow also finds an open that production misses, and the operator confirms it.
        {
          frameId: 'f1',
          production: [det('short', 0.9, a)],
          shadow: [det('short', 0.8, a), det('open', 0.7, b)],
          groundTruth: [
            { className: 'short', box: a },
            { className: 'open', box: b },
          ],
        },
        // Production alerts on a false short the shadow does not report (a rejected alert: a hard negative).
        { frameId: 'f2', production: [det('short', 0.6, a)], shadow: [det('short', 0.2, a)], groundTruth: [] },
        // Not reviewed: only agreement counts.
        { frameId: 'f3', production: [det('open', 0.9, b)], shadow: [det('open', 0.9, b)], groundTruth: null },
      ],
      thresholds,
    );
    expect(stats.frames).toBe(3);
    expect(stats.reviewedFrames).toBe(2);
    // Shadow vs production: f1 1 TP + 1 FP; f2 0 + 1 FN; f3 1 TP.
    expect(stats.shadowVsProduction).toEqual({ truePositives: 2, falsePositives: 1, falseNegatives: 1, precision: 2 / 3, recall: 2 / 3 });
    // Production vs truth: f1 1 TP, 1 FN (the open); f2 1 FP.
    expect(stats.productionVsTruth).toEqual({ truePositives: 1, falsePositives: 1, falseNegatives: 1, precision: 0.5, recall: 0.5 });
    // Shadow vs truth: f1 2 TP; f2 nothing above threshold.
    expect(stats.shadowVsTruth).toEqual({ truePositives: 2, falsePositives: 0, falseNegatives: 0, precision: 1, recall: 1 });
  });

  it('answers null precision and recall when there is nothing to divide by', () => {
    const stats = shadowAgreement([{ frameId: 'f', production: [], shadow: [], groundTruth: [] }], thresholds);
    expect(stats.shadowVsProduction.precision).toBeNull();
    expect(stats.shadowVsProduction.recall).toBeNull();
    expect(stats.shadowVsTruth).toEqual({ truePositives: 0, falsePositives: 0, falseNegatives: 0, precision: null, recall: null });
  });
});
