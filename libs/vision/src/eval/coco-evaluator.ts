import type { Detection } from '@argus/contracts';
import { boxIou } from '../data/box-iou';
import type { SampleBox } from '../data/sample';
import type { EvaluationImage } from './evaluation-image';

/**
 * COCO's IoU thresholds 0.50:0.05:0.95 and its 101 recall points 0:0.01:1, computed as numpy's
 * linspace computes them (start + i × step, last = stop) so boundary cases compare identically.
 */
export const COCO_IOU_THRESHOLDS: readonly number[] = linspace(0.5, 0.95, 10);
export const COCO_RECALL_POINTS: readonly number[] = linspace(0, 1, 101);

export interface CocoEvaluationOptions {
  /** The class vocabulary; per-class results follow its order. */
  readonly classes: readonly string[];
  /** Default COCO's 0.50:0.05:0.95. mAP@0.5 and @0.75 need 0.5 and 0.75 among them. */
  readonly iouThresholds?: readonly number[];
  /** Detections kept per image, best first (COCO: 100). */
  readonly maxDetectionsPerImage?: number;
}

/** A class's precision at each of the 101 recall points (interpolated as COCO does). */
export interface PrecisionRecallCurve {
  readonly recall: readonly number[];
  readonly precision: readonly number[];
}

export interface ClassAveragePrecision {
  readonly className: string;
  /** Non-ignored ground-truth boxes of this class. */
  readonly groundTruthCount: number;
  readonly detectionCount: number;
  /** null when the class has no ground truth (left out of the means, as COCO does). */
  readonly ap50: number | null;
  readonly ap75: number | null;
  /** AP averaged over all IoU thresholds (COCO's headline AP). */
  readonly ap: number | null;
  /** Recall reached with every detection, at IoU 0.5. */
  readonly maxRecall50: number | null;
  /** The interpolated PR curve at IoU 0.5. */
  readonly curve50: PrecisionRecallCurve | null;
}

export interface CocoEvaluation {
  /** mAP@0.5: mean over classes with ground truth. NaN when no class has any. */
  readonly map50: number;
  readonly map75: number;
  /** mAP@[0.5:0.95]. */
  readonly map: number;
  readonly perClass: readonly ClassAveragePrecision[];
  readonly iouThresholds: readonly number[];
}

/**
 * COCO-style box evaluation, following pycocotools' evaluateImg/accumulate for the "all areas"
 * range: per image and class, detections (best score first, at most maxDetections) are matched
 * greedily to the unmatched ground truth with the highest IoU ≥ threshold; matches to ignored
 * (difficult) boxes count neither way; precision is made monotone and read at 101 recall points.
 */
export function evaluateCoco(images: readonly EvaluationImage[], options: CocoEvaluationOptions): CocoEvaluation {
  const thresholds = options.iouThresholds ?? COCO_IOU_THRESHOLDS;
  const maxDets = options.maxDetectionsPerImage ?? 100;
  const classIndex = new Map(options.classes.map((c, i) => [c, i]));
  assertKnownClasses(images, classIndex);

  const perClass = options.classes.map((className) => {
    const scores: number[] = [];
    // matched[t][k] / ignored[t][k] for the k-th detection of this class over all images.
    const matched: boolean[][] = thresholds.map(() => []);
    const ignored: boolean[][] = thresholds.map(() => []);
    let groundTruthCount = 0;
    for (const image of images) {
      const gts = sortIgnoredLast(image.groundTruth.filter((g) => g.className === className));
      groundTruthCount += gts.filter((g) => !g.difficult).length;
      const dets = sortByScore(image.detections.filter((d) => d.className === className)).slice(0, maxDets);
      const ious = dets.map((d) => gts.map((g) => boxIou(d.box, g.box)));
      thresholds.forEach((t, ti) => {
        const gtMatched = new Array<boolean>(gts.length).fill(false);
        dets.forEach((_, di) => {
          let best = Math.min(t, 1 - 1e-10);
          let m = -1;
          for (let gi = 0; gi < gts.length; gi++) {
            if (gtMatched[gi]) continue;
            // Once matched to a real box, never move to an ignored one (they are sorted last).
            if (m > -1 && !gts[m]?.difficult && gts[gi]?.difficult) break;
            const iou = ious[di]?.[gi] as number;
            if (iou < best) continue;
            best = iou;
            m = gi;
          }
          const thresholdMatched = matched[ti] as boolean[];
          const thresholdIgnored = ignored[ti] as boolean[];
          if (m === -1) {
            thresholdMatched.push(false);
            thresholdIgnored.push(false);
          } else {
            gtMatched[m] = true;
            thresholdMatched.push(true);
            thresholdIgnored.push(gts[m]?.difficult === true);
          }
        });
      });
      for (const d of dets) scores.push(d.score);
    }
    return accumulateClass(className, scores, matched, ignored, groundTruthCount, thresholds);
  });

  const mean = (pick: (c: ClassAveragePrecision) => number | null) => {
    const values = perClass.map(pick).filter((v): v is number => v !== null);
    return values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
  };
  return {
    map50: mean((c) => c.ap50),
    map75: mean((c) => c.ap75),
    map: mean((c) => c.ap),
    perClass,
    iouThresholds: thresholds,
  };
}

function accumulateClass(
  className: string,
  scores: readonly number[],
  matched: readonly (readonly boolean[])[],
  ignored: readonly (readonly boolean[])[],
  groundTruthCount: number,
  thresholds: readonly number[],
): ClassAveragePrecision {
  const detectionCount = scores.length;
  if (groundTruthCount === 0) {
    return { className, groundTruthCount, detectionCount, ap50: null, ap75: null, ap: null, maxRecall50: null, curve50: null };
  }
  // Stable sort across images: equal scores keep image order (numpy's mergesort in pycocotools).
  const order = scores.map((_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  const apPerThreshold: number[] = [];
  let curve50: PrecisionRecallCurve | null = null;
  let maxRecall50: number | null = null;
  thresholds.forEach((t, ti) => {
    const { precisionAtRecall, maxRecall } = interpolatedPrecision(order, matched[ti] ?? [], ignored[ti] ?? [], groundTruthCount);
    apPerThreshold.push(precisionAtRecall.reduce((a, b) => a + b, 0) / precisionAtRecall.length);
    if (Math.abs(t - 0.5) < 1e-9) {
      curve50 = { recall: COCO_RECALL_POINTS, precision: precisionAtRecall };
      maxRecall50 = maxRecall;
    }
  });
  const at = (t: number) => {
    const i = thresholds.findIndex((x) => Math.abs(x - t) < 1e-9);
    return i >= 0 ? (apPerThreshold[i] as number) : null;
  };
  return {
    className,
    groundTruthCount,
    detectionCount,
    ap50: at(0.5),
    ap75: at(0.75),
    ap: apPerThreshold.reduce((a, b) => a + b, 0) / apPerThreshold.length,
    maxRecall50,
    curve50,
  };
}

/** pycocotools' accumulate for one class and threshold: monotone precision read at 101 recalls. */
function interpolatedPrecision(
  order: readonly number[],
  matched: readonly boolean[],
  ignored: readonly boolean[],
  groundTruthCount: number,
): { precisionAtRecall: number[]; maxRecall: number } {
  const recall: number[] = [];
  const precision: number[] = [];
  let tp = 0;
  let fp = 0;
  for (const k of order) {
    if (ignored[k]) continue;
    if (matched[k]) tp++;
    else fp++;
    recall.push(tp / groundTruthCount);
    precision.push(tp / (tp + fp)); // pycocotools adds 1 ulp of eps here; tp + fp ≥ 1 already
  }
  for (let i = precision.length - 1; i > 0; i--) {
    if ((precision[i] as number) > (precision[i - 1] as number)) precision[i - 1] = precision[i] as number;
  }
  const precisionAtRecall = COCO_RECALL_POINTS.map((r) => {
    const i = lowerBound(recall, r);
    return i < precision.length ? (precision[i] as number) : 0;
  });
  return { precisionAtRecall, maxRecall: recall.length > 0 ? (recall[recall.length - 1] as number) : 0 };
}

/** First index with values[i] >= x (numpy searchsorted, side='left'); values ascending. */
function lowerBound(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((values[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function sortByScore(dets: readonly Detection[]): Detection[] {
  return dets
    .map((d, i) => ({ d, i }))
    .sort((a, b) => b.d.score - a.d.score || a.i - b.i)
    .map((x) => x.d);
}

function sortIgnoredLast(gts: readonly SampleBox[]): SampleBox[] {
  return [...gts.filter((g) => !g.difficult), ...gts.filter((g) => g.difficult)];
}

export function assertKnownClasses(images: readonly EvaluationImage[], classIndex: ReadonlyMap<string, number>): void {
  for (const image of images) {
    for (const item of [...image.groundTruth, ...image.detections]) {
      if (!classIndex.has(item.className)) {
        throw new RangeError(
          `image "${image.id}": class "${item.className}" is not in the evaluated classes (${[...classIndex.keys()].join(', ')})`,
        );
      }
    }
  }
}

function linspace(start: number, stop: number, num: number): number[] {
  const step = (stop - start) / (num - 1);
  const values = Array.from({ length: num }, (_, i) => i * step + start);
  values[num - 1] = stop;
  return values;
}
