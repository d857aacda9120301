import { boxIou } from '../data/box-iou';
import { assertKnownClasses } from './coco-evaluator';
import type { EvaluationImage } from './evaluation-image';

export interface DetectionCounts {
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface ThresholdMetrics extends DetectionCounts {
  readonly scoreThreshold: number;
  readonly iouThreshold: number;
  /** Per class, in the order of `classes`. */
  readonly perClass: readonly (DetectionCounts & { readonly className: string })[];
}

export interface ThresholdMetricsOptions {
  readonly classes: readonly string[];
  /** Detections scoring at least this are reported (the deployment threshold). */
  readonly scoreThreshold: number;
  /** IoU a detection needs with a same-class box to be right (default 0.5). */
  readonly iouThreshold?: number;
}

/** Per-detection outcome of greedy matching, best score first. */
interface MatchedDetection {
  readonly classIndex: number;
  readonly score: number;
  /** true: right; false: wrong; null: matched an ignored (difficult) box, counts neither way. */
  readonly correct: boolean | null;
}

/**
 * Precision, recall and F1 of what a deployed detector reports: detections at or above the
 * score threshold, matched one-to-one (best score first, highest IoU) to same-class boxes.
 * Precision is 1 and recall 1 when there is nothing to find and nothing reported.
 */
export function evaluateAtThreshold(images: readonly EvaluationImage[], options: ThresholdMetricsOptions): ThresholdMetrics {
  const iouThreshold = options.iouThreshold ?? 0.5;
  const { matches, groundTruthPerClass } = matchAll(images, options.classes, iouThreshold);
  const kept = matches.filter((m) => m.score >= options.scoreThreshold);
  const perClass = options.classes.map((className, k) => {
    const mine = kept.filter((m) => m.classIndex === k);
    const tp = mine.filter((m) => m.correct === true).length;
    const fp = mine.filter((m) => m.correct === false).length;
    return { className, ...counts(tp, fp, (groundTruthPerClass[k] as number) - tp) };
  });
  const tp = perClass.reduce((a, c) => a + c.truePositives, 0);
  const fp = perClass.reduce((a, c) => a + c.falsePositives, 0);
  const fn = perClass.reduce((a, c) => a + c.falseNegatives, 0);
  return { scoreThreshold: options.scoreThreshold, iouThreshold, ...counts(tp, fp, fn), perClass };
}

/**
 * The score threshold with the best overall F1 (ties: the higher threshold). Greedy matching in
 * score order does not depend on the threshold, so one matching gives every threshold's counts.
 */
export function findBestF1Threshold(
  images: readonly EvaluationImage[],
  options: { classes: readonly string[]; iouThreshold?: number },
): ThresholdMetrics {
  const iouThreshold = options.iouThreshold ?? 0.5;
  const { matches, groundTruthPerClass } = matchAll(images, options.classes, iouThreshold);
  const totalGt = groundTruthPerClass.reduce((a, b) => a + b, 0);
  const sorted = matches.filter((m) => m.correct !== null).sort((a, b) => b.score - a.score);
  let bestThreshold = sorted.length > 0 ? (sorted[0] as MatchedDetection).score : 1;
  let bestF1 = -1;
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < sorted.length; i++) {
    const m = sorted[i] as MatchedDetection;
    if (m.correct) tp++;
    else fp++;
    // Only a threshold at a score boundary is realisable: all equal scores go in together.
    if (i + 1 < sorted.length && (sorted[i + 1] as MatchedDetection).score === m.score) continue;
    const f1 = counts(tp, fp, totalGt - tp).f1;
    if (f1 > bestF1) {
      bestF1 = f1;
      bestThreshold = m.score;
    }
  }
  return evaluateAtThreshold(images, { classes: options.classes, scoreThreshold: bestThreshold, iouThreshold });
}

function matchAll(
  images: readonly EvaluationImage[],
  classes: readonly string[],
  iouThreshold: number,
): { matches: MatchedDetection[]; groundTruthPerClass: number[] } {
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  assertKnownClasses(images, classIndex);
  const matches: MatchedDetection[] = [];
  const groundTruthPerClass = classes.map(() => 0);
  for (const image of images) {
    for (const g of image.groundTruth) {
      const k = classIndex.get(g.className) as number;
      if (!g.difficult) groundTruthPerClass[k] = (groundTruthPerClass[k] as number) + 1;
    }
    const dets = image.detections.map((d, i) => ({ d, i })).sort((a, b) => b.d.score - a.d.score || a.i - b.i);
    const used = new Array<boolean>(image.groundTruth.length).fill(false);
    for (const { d } of dets) {
      let best = -1;
      let bestIou = iouThreshold;
      let bestIgnored = true;
      image.groundTruth.forEach((g, gi) => {
        if (used[gi] || g.className !== d.className) return;
        const iou = boxIou(d.box, g.box);
        if (iou < iouThreshold) return;
        const ignored = g.difficult === true;
        // Prefer a real box over an ignored one, then the higher IoU.
        if (best === -1 || (bestIgnored && !ignored) || (bestIgnored === ignored && iou > bestIou)) {
          best = gi;
          bestIou = iou;
          bestIgnored = ignored;
        }
      });
      if (best >= 0) used[best] = true;
      matches.push({
        classIndex: classIndex.get(d.className) as number,
        score: d.score,
        correct: best === -1 ? false : bestIgnored ? null : true,
      });
    }
  }
  return { matches, groundTruthPerClass };
}

function counts(tp: number, fp: number, fn: number): DetectionCounts {
  const precision = tp + fp > 0 ? tp / (tp + fp) : fn === 0 ? 1 : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 1;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { truePositives: tp, falsePositives: fp, falseNegatives: fn, precision, recall, f1 };
}
