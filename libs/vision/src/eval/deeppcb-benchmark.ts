import { boxIou } from '../data/box-iou';
import type { EvaluationImage } from './evaluation-image';

export interface DeepPcbBenchmarkOptions {
  /** A detection is right when its IoU with a same-class box exceeds this (DeepPCB: 0.33). */
  readonly iouThreshold?: number;
  /**
   * Detections below this score are left out, as if not written to the result files. The
   * benchmark scores whatever the files hold, so AP and F-score both depend on it. Default 0.
   */
  readonly scoreThreshold?: number;
}

export interface DeepPcbBenchmarkResult {
  /** The benchmark's AP: Σ precision at each correct detection (global, by confidence) / #GT. */
  readonly ap: number;
  readonly precision: number;
  readonly recall: number;
  /** 2PR / (P + R), the benchmark's F-score. */
  readonly fScore: number;
  readonly matched: number;
  readonly groundTruthCount: number;
  readonly detectionCount: number;
  readonly scoreThreshold: number;
}

/**
 * The DeepPCB benchmark metric, mirroring its published evaluation script (the ICDAR 2015
 * script with class matching and IoU > 0.33): per image, ground-truth boxes in file order each
 * take the first still-unmatched detection, in file order, of the same class whose IoU exceeds the
 * threshold. Then over all images: precision = matched / detections, recall = matched /
 * ground truth, and AP is the non-interpolated sum of precision at each correct detection, sorted
 * by confidence (ties kept in file order), divided by the number of ground-truth boxes.
 * `difficult` flags do not exist in DeepPCB and are ignored here.
 */
export function evaluateDeepPcbBenchmark(
  images: readonly EvaluationImage[],
  options: DeepPcbBenchmarkOptions = {},
): DeepPcbBenchmarkResult {
  const iouThreshold = options.iouThreshold ?? 0.33;
  const scoreThreshold = options.scoreThreshold ?? 0;
  const confidences: number[] = [];
  const correct: boolean[] = [];
  let matched = 0;
  let groundTruthCount = 0;
  let detectionCount = 0;
  const ids = new Set<string>();
  for (const image of images) {
    if (ids.has(image.id)) throw new RangeError(`image "${image.id}" appears twice`);
    ids.add(image.id);
    const gts = image.groundTruth;
    const dets = image.detections.filter((d) => d.score >= scoreThreshold);
    const gtUsed = new Array<boolean>(gts.length).fill(false);
    const detUsed = new Array<boolean>(dets.length).fill(false);
    for (let g = 0; g < gts.length; g++) {
      const gt = gts[g];
      if (!gt) continue;
      for (let d = 0; d < dets.length; d++) {
        const det = dets[d];
        if (!det || gtUsed[g] || detUsed[d] || det.className !== gt.className) continue;
        if (boxIou(det.box, gt.box) > iouThreshold) {
          gtUsed[g] = true;
          detUsed[d] = true;
          matched++;
        }
      }
    }
    dets.forEach((d, i) => {
      confidences.push(d.score);
      correct.push(detUsed[i] === true);
    });
    groundTruthCount += gts.length;
    detectionCount += dets.length;
  }
  const order = confidences.map((_, i) => i).sort((a, b) => (confidences[b] as number) - (confidences[a] as number) || a - b);
  let ap = 0;
  let hits = 0;
  order.forEach((k, n) => {
    if (correct[k]) {
      hits++;
      ap += hits / (n + 1);
    }
  });
  if (groundTruthCount > 0) ap /= groundTruthCount;
  const recall = groundTruthCount === 0 ? 0 : matched / groundTruthCount;
  const precision = detectionCount === 0 ? 0 : matched / detectionCount;
  const fScore = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ap, precision, recall, fScore, matched, groundTruthCount, detectionCount, scoreThreshold };
}

/** The benchmark at several score thresholds, and the one with the best F-score (ties: higher AP). */
export function scanDeepPcbThresholds(
  images: readonly EvaluationImage[],
  thresholds: readonly number[],
  options: Omit<DeepPcbBenchmarkOptions, 'scoreThreshold'> = {},
): { results: DeepPcbBenchmarkResult[]; best: DeepPcbBenchmarkResult } {
  if (thresholds.length === 0) throw new RangeError('give at least one score threshold');
  const results = thresholds.map((scoreThreshold) => evaluateDeepPcbBenchmark(images, { ...options, scoreThreshold }));
  const best = results.reduce((a, b) => (b.fScore > a.fScore || (b.fScore === a.fScore && b.ap > a.ap) ? b : a));
  return { results, best };
}
