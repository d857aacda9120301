import type { Detection } from '@argus/contracts';
import type { SampleBox } from '../data/sample';
import { SeededRandom } from '../data/seeded-random';
import type { EvaluationImage } from './evaluation-image';

export const gt = (className: string, x1: number, y1: number, x2: number, y2: number, difficult = false): SampleBox => ({
  className,
  box: { x1, y1, x2, y2 },
  ...(difficult ? { difficult } : {}),
});

export const det = (className: string, score: number, x1: number, y1: number, x2: number, y2: number): Detection => ({
  className,
  score,
  box: { x1, y1, x2, y2 },
});

/**
 * The hand-worked mixed case: 4 boxes of class "a" on two images; by score the detections are
 * right, wrong, right, right (one box never found).
 */
export const mixedCase: EvaluationImage[] = [
  {
    id: 'A',
    groundTruth: [gt('a', 0, 0, 10, 10), gt('a', 20, 20, 30, 30)],
    detections: [det('a', 0.9, 0, 0, 10, 10), det('a', 0.8, 100, 100, 110, 110), det('a', 0.6, 20, 20, 30, 30)],
  },
  {
    id: 'B',
    groundTruth: [gt('a', 0, 0, 10, 10), gt('a', 50, 50, 60, 60)],
    detections: [det('a', 0.7, 0, 0, 10, 10)],
  },
];

/**
 * A seeded random scene set: 3 classes, jittered true detections, misclassified and spurious
 * ones, a few difficult boxes. Used to compare with numbers pycocotools computed for it.
 */
export function randomCase(seed: number, imageCount: number, withDifficult: boolean): EvaluationImage[] {
  const rng = new SeededRandom(seed);
  const classes = ['a', 'b', 'c'];
  const round = (v: number) => Math.round(v * 100) / 100;
  return Array.from({ length: imageCount }, (_, i) => {
    const groundTruth: SampleBox[] = [];
    const detections: Detection[] = [];
    const n = rng.int(0, 6);
    for (let k = 0; k < n; k++) {
      const w = rng.uniform(8, 60);
      const h = rng.uniform(8, 60);
      const x = rng.uniform(0, 200);
      const y = rng.uniform(0, 200);
      const cls = rng.pick(classes);
      groundTruth.push(gt(cls, round(x), round(y), round(x + w), round(y + h), withDifficult && rng.chance(0.1)));
      if (rng.chance(0.8)) {
        const j = () => rng.normal(0, 0.12);
        const dx = j() * w;
        const dy = j() * h;
        const label = rng.chance(0.1) ? rng.pick(classes) : cls;
        detections.push(
          det(
            label,
            round(rng.uniform(0.2, 1)),
            round(x + dx),
            round(y + dy),
            round(x + dx + w * (1 + j())),
            round(y + dy + h * (1 + j())),
          ),
        );
      }
    }
    const spurious = rng.int(0, 3);
    for (let k = 0; k < spurious; k++) {
      const x = rng.uniform(0, 200);
      const y = rng.uniform(0, 200);
      detections.push(
        det(
          rng.pick(classes),
          round(rng.uniform(0, 0.7)),
          round(x),
          round(y),
          round(x + rng.uniform(8, 50)),
          round(y + rng.uniform(8, 50)),
        ),
      );
    }
    return { id: `img${i}`, groundTruth, detections };
  });
}
