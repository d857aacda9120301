import { COCO_IOU_THRESHOLDS, COCO_RECALL_POINTS, evaluateCoco } from './coco-evaluator';
import { det, gt, mixedCase, randomCase } from './eval-fixtures.spec-helper';
import type { EvaluationImage } from './evaluation-image';

const classes = ['a', 'b', 'c'];

describe('evaluateCoco', () => {
  it('uses COCO thresholds: 10 IoUs from 0.5 to 0.95 and 101 recall points', () => {
    expect(COCO_IOU_THRESHOLDS).toHaveLength(10);
    expect(COCO_IOU_THRESHOLDS[0]).toBe(0.5);
    expect(COCO_IOU_THRESHOLDS[9]).toBe(0.95);
    expect(COCO_RECALL_POINTS).toHaveLength(101);
    expect(COCO_RECALL_POINTS[100]).toBe(1);
  });

  it('gives AP 1 for perfect detections', () => {
    const images: EvaluationImage[] = [
      {
        id: '1',
        groundTruth: [gt('a', 0, 0, 10, 10), gt('b', 5, 5, 50, 40)],
        detections: [det('a', 0.9, 0, 0, 10, 10), det('b', 0.3, 5, 5, 50, 40)],
      },
      { id: '2', groundTruth: [gt('a', 1, 1, 4, 4)], detections: [det('a', 0.5, 1, 1, 4, 4)] },
    ];
    const r = evaluateCoco(images, { classes });
    expect(r.map50).toBe(1);
    expect(r.map).toBe(1);
    expect(r.perClass[2]).toMatchObject({ className: 'c', ap50: null, ap: null, groundTruthCount: 0 });
  });

  it('gives AP 0 when every detection has the wrong class', () => {
    const images: EvaluationImage[] = [
      {
        id: '1',
        groundTruth: [gt('a', 0, 0, 10, 10), gt('b', 20, 20, 30, 30)],
        detections: [det('b', 0.9, 0, 0, 10, 10), det('a', 0.9, 20, 20, 30, 30)],
      },
    ];
    const r = evaluateCoco(images, { classes });
    expect(r.map50).toBe(0);
    expect(r.map).toBe(0);
    expect(r.perClass[0]?.maxRecall50).toBe(0);
  });

  it('matches the hand-computed AP of the mixed case', () => {
    // By score: TP, FP, TP, TP of 4 boxes → recall .25 .25 .5 .75, monotone precision 1 .75 .75 .75.
    // 101-point: recall 0..0.25 (26 points) at 1, 0.26..0.75 (50 points) at .75, the rest 0.
    const r = evaluateCoco(mixedCase, { classes: ['a'] });
    expect(r.map50).toBeCloseTo((26 + 50 * 0.75) / 101, 12);
    expect(r.perClass[0]?.maxRecall50).toBe(0.75);
    expect(r.perClass[0]?.curve50?.precision.slice(24, 28)).toEqual([1, 1, 0.75, 0.75]);
    // Every match is exact (IoU 1), so all ten thresholds agree.
    expect(r.map).toBeCloseTo(r.map50, 12);
  });

  it('matches a detection to the unmatched box with the highest IoU, counting a duplicate as wrong', () => {
    const images: EvaluationImage[] = [
      {
        id: '1',
        groundTruth: [gt('a', 0, 0, 10, 10), gt('a', 4, 0, 14, 10)],
        detections: [det('a', 0.9, 4, 0, 14, 10), det('a', 0.8, 4, 0, 14, 10)],
      },
    ];
    // d1 takes box 2 (IoU 1); d2 is left box 1 at IoU 6/14 < 0.5 → wrong. Precision 1, .5; recall .5.
    const r = evaluateCoco(images, { classes: ['a'], iouThresholds: [0.5] });
    expect(r.map50).toBeCloseTo(51 / 101, 12);
  });

  it('neither rewards nor penalises detections of difficult boxes', () => {
    const images: EvaluationImage[] = [
      {
        id: '1',
        groundTruth: [gt('a', 0, 0, 10, 10), gt('a', 50, 50, 60, 60, true)],
        detections: [det('a', 0.95, 50, 50, 60, 60), det('a', 0.9, 0, 0, 10, 10)],
      },
    ];
    const r = evaluateCoco(images, { classes: ['a'] });
    expect(r.perClass[0]?.groundTruthCount).toBe(1);
    expect(r.map).toBe(1);
  });

  it('keeps only the best maxDetectionsPerImage detections of an image', () => {
    const images: EvaluationImage[] = [
      { id: '1', groundTruth: [gt('a', 0, 0, 10, 10)], detections: [det('a', 0.9, 30, 30, 40, 40), det('a', 0.5, 0, 0, 10, 10)] },
    ];
    expect(evaluateCoco(images, { classes: ['a'], maxDetectionsPerImage: 1 }).map50).toBe(0);
    expect(evaluateCoco(images, { classes: ['a'] }).map50).toBeCloseTo(0.5, 12);
  });

  it('refuses classes outside the vocabulary', () => {
    expect(() => evaluateCoco([{ id: 'x', groundTruth: [gt('z', 0, 0, 1, 1)], detections: [] }], { classes })).toThrow(
      'image "x": class "z" is not in the evaluated classes',
    );
  });

  // Reference numbers computed by pycocotools 2.0 (COCOeval, bbox, area "all", maxDets 100) on
  // exactly these seeded scenes; difficult boxes passed as COCO "ignore".
  it.each([
    [
      'plain',
      randomCase(2024, 60, false),
      {
        map: 0.18325814385220698,
        map50: 0.5196297887645359,
        map75: 0.05697578487456363,
        ap50: [0.6469119174704311, 0.43391617445689734, 0.47806127436627965],
      },
    ],
    [
      'with difficult boxes',
      randomCase(77, 60, true),
      {
        map: 0.12909517719319763,
        map50: 0.4175961770980192,
        map75: 0.061720953360182,
        ap50: [0.46433501196129223, 0.45105780231745496, 0.3373957170153105],
      },
    ],
  ])('agrees with pycocotools on random scenes (%s)', (_name, images, expected) => {
    const r = evaluateCoco(images, { classes });
    expect(r.map).toBeCloseTo(expected.map, 10);
    expect(r.map50).toBeCloseTo(expected.map50, 10);
    expect(r.map75).toBeCloseTo(expected.map75, 10);
    r.perClass.forEach((c, k) => expect(c.ap50).toBeCloseTo(expected.ap50[k] as number, 10));
  });
});
