import type { Detection } from '@argus/contracts';
import { computeLetterbox } from './letterbox';
import { nonMaxSuppression, nonMaxSuppressionIndices, postprocessDetections } from './postprocess';
import { boxIou } from './box-iou';
import { SeededRandom } from './seeded-random';

const det = (className: string, score: number, x1: number, y1: number, x2: number, y2: number): Detection => ({
  className,
  score,
  box: { x1, y1, x2, y2 },
});

describe('boxIou', () => {
  it('computes continuous-area IoU', () => {
    expect(boxIou({ x1: 0, y1: 0, x2: 10, y2: 10 }, { x1: 5, y1: 0, x2: 15, y2: 10 })).toBeCloseTo(50 / 150, 12);
    expect(boxIou({ x1: 0, y1: 0, x2: 10, y2: 10 }, { x1: 10, y1: 0, x2: 20, y2: 10 })).toBe(0);
    expect(boxIou({ x1: 0, y1: 0, x2: 10, y2: 10 }, { x1: 0, y1: 0, x2: 10, y2: 10 })).toBe(1);
  });
});

describe('nonMaxSuppression', () => {
  it('keeps the best of overlapping boxes per class, and boxes of other classes', () => {
    const kept = nonMaxSuppression([
      det('a', 0.6, 1, 1, 11, 11),
      det('a', 0.9, 0, 0, 10, 10),
      det('b', 0.8, 0, 0, 10, 10),
      det('a', 0.7, 20, 20, 30, 30),
      det('a', 0.5, 0, 0, 10, 9),
    ]);
    expect(kept.map((d) => `${d.className}${d.score}`)).toEqual(['a0.9', 'b0.8', 'a0.7']);
  });

  it('suppresses across classes when class-agnostic, and caps the count', () => {
    const dets = [det('a', 0.9, 0, 0, 10, 10), det('b', 0.8, 0, 0, 10, 10), det('a', 0.7, 20, 20, 30, 30)];
    expect(nonMaxSuppression(dets, { classAgnostic: true })).toHaveLength(2);
    expect(nonMaxSuppression(dets, { maxDetections: 1 })).toEqual([dets[0]]);
  });

  it('uses a strict IoU threshold', () => {
    // IoU of these two is exactly 1/3.
    const dets = [det('a', 0.9, 0, 0, 10, 10), det('a', 0.8, 5, 0, 15, 10)];
    expect(nonMaxSuppression(dets, { iouThreshold: 1 / 3 })).toHaveLength(2);
    expect(nonMaxSuppression(dets, { iouThreshold: 0.33 })).toHaveLength(1);
  });

  it('agrees with a brute-force reference on random boxes', () => {
    const rng = new SeededRandom(11);
    for (let trial = 0; trial < 20; trial++) {
      const dets = Array.from({ length: 60 }, () => {
        const x = rng.uniform(0, 100);
        const y = rng.uniform(0, 100);
        return det(rng.pick(['a', 'b']), rng.next(), x, y, x + rng.uniform(5, 30), y + rng.uniform(5, 30));
      });
      const reference: Detection[] = [];
      for (const d of [...dets].sort((p, q) => q.score - p.score)) {
        if (!reference.some((k) => k.className === d.className && boxIou(k.box, d.box) > 0.45)) reference.push(d);
      }
      expect(nonMaxSuppression(dets, { iouThreshold: 0.45 })).toEqual(reference);
    }
  });

  it('checks the flat arrays it is given', () => {
    expect(() => nonMaxSuppressionIndices([0, 0, 1], [1], [0])).toThrow(RangeError);
  });

  it('caps a dense output at maxDetections, best scores first', () => {
    const rng = new SeededRandom(3);
    const n = 3000;
    const boxes = new Float32Array(4 * n);
    const scores = new Float32Array(n);
    const classes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const x = rng.uniform(0, 600);
      const y = rng.uniform(0, 600);
      boxes.set([x, y, x + 30, y + 30], 4 * i);
      scores[i] = rng.next();
      classes[i] = rng.int(0, 5);
    }
    const all = nonMaxSuppressionIndices(boxes, scores, classes, { iouThreshold: 0.5, maxDetections: 100_000 });
    const capped = nonMaxSuppressionIndices(boxes, scores, classes, { iouThreshold: 0.5, maxDetections: 300 });
    expect(all.length).toBeGreaterThan(300);
    expect(capped).toEqual(all.slice(0, 300));
    for (let k = 1; k < capped.length; k++) {
      expect(scores[capped[k - 1] as number]).toBeGreaterThanOrEqual(scores[capped[k] as number] as number);
    }
  });
});

describe('postprocessDetections', () => {
  it('thresholds, suppresses and maps boxes back to original pixels', () => {
    const mapping = computeLetterbox(640, 480, 320, 320); // scale 0.5, padY 40
    const out = postprocessDetections(
      [
        det('a', 0.9, 50, 65, 150, 275),
        det('a', 0.8, 51, 65, 150, 275),
        det('b', 0.1, 0, 40, 10, 50),
        det('b', 0.6, 100, 0, 120, 30), // wholly in the top padding: collapses, dropped
      ],
      mapping,
      { scoreThreshold: 0.25 },
    );
    expect(out).toEqual([det('a', 0.9, 100, 50, 300, 470)]);
  });
});
