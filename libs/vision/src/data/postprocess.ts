import type { Detection } from '@argus/contracts';
import { boxToOriginal, type LetterboxMapping } from './letterbox';

export interface NmsOptions {
  /** Boxes of the same class overlapping more than this are duplicates (default 0.5). */
  readonly iouThreshold?: number;
  /** Keep at most this many detections per image, best first (default 300). */
  readonly maxDetections?: number;
  /** Suppress across classes too (default false: per-class). */
  readonly classAgnostic?: boolean;
}

/**
 * Greedy non-maximum suppression over flat arrays, the shape a model decoder produces: `boxes` is
 * N×4 (x1, y1, x2, y2), `scores` and `classIds` N. Returns the indices kept, best score first.
 * Per class by default: a box only suppresses boxes of its own class.
 */
export function nonMaxSuppressionIndices(
  boxes: Float32Array | Float64Array | readonly number[],
  scores: Float32Array | Float64Array | readonly number[],
  classIds: Int32Array | Uint8Array | Uint16Array | readonly number[],
  options: NmsOptions = {},
): number[] {
  const n = scores.length;
  if (boxes.length !== 4 * n || classIds.length !== n) {
    throw new RangeError(`NMS needs 4N box coordinates and N class ids for N=${n} scores`);
  }
  const iouThreshold = options.iouThreshold ?? 0.5;
  const maxDetections = options.maxDetections ?? 300;
  const agnostic = options.classAgnostic ?? false;
  // Best score first; equal scores keep input order, so results never depend on the sort.
  const scoreOf = Float64Array.from(scores as ArrayLike<number>);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scoreOf[b] as number) - (scoreOf[a] as number) || a - b);
  // Bucket by class (keeping score order): a box only ever suppresses boxes of its own class.
  const buckets = new Map<number, number[]>();
  for (const i of order) {
    const key = agnostic ? 0 : (classIds[i] as number);
    const bucket = buckets.get(key);
    if (bucket) bucket.push(i);
    else buckets.set(key, [i]);
  }
  const kept: number[] = [];
  for (const bucket of buckets.values()) {
    const m = bucket.length;
    // Coordinates copied in score order, contiguous, for a tight inner loop.
    const x1 = new Float64Array(m);
    const y1 = new Float64Array(m);
    const x2 = new Float64Array(m);
    const y2 = new Float64Array(m);
    const area = new Float64Array(m);
    for (let k = 0; k < m; k++) {
      const i = bucket[k] as number;
      x1[k] = boxes[4 * i] as number;
      y1[k] = boxes[4 * i + 1] as number;
      x2[k] = boxes[4 * i + 2] as number;
      y2[k] = boxes[4 * i + 3] as number;
      area[k] = Math.max(0, (x2[k] as number) - (x1[k] as number)) * Math.max(0, (y2[k] as number) - (y1[k] as number));
    }
    const suppressed = new Uint8Array(m);
    let keptHere = 0;
    for (let k = 0; k < m && keptHere < maxDetections; k++) {
      if (suppressed[k]) continue;
      kept.push(bucket[k] as number);
      keptHere++;
      const ax1 = x1[k] as number;
      const ay1 = y1[k] as number;
      const ax2 = x2[k] as number;
      const ay2 = y2[k] as number;
      const aArea = area[k] as number;
      for (let j = k + 1; j < m; j++) {
        if (suppressed[j]) continue;
        const iw = Math.min(ax2, x2[j] as number) - Math.max(ax1, x1[j] as number);
        if (iw <= 0) continue;
        const ih = Math.min(ay2, y2[j] as number) - Math.max(ay1, y1[j] as number);
        if (ih <= 0) continue;
        const inter = iw * ih;
        const union = aArea + (area[j] as number) - inter;
        if (union > 0 && inter / union > iouThreshold) suppressed[j] = 1;
      }
    }
  }
  // Per-class results are independent, so the global top-k of their union is the greedy answer.
  kept.sort((a, b) => (scoreOf[b] as number) - (scoreOf[a] as number) || a - b);
  return kept.length > maxDetections ? kept.slice(0, maxDetections) : kept;
}

/** Per-class NMS over detections; returns the kept ones, best score first. */
export function nonMaxSuppression(detections: readonly Detection[], options: NmsOptions = {}): Detection[] {
  const n = detections.length;
  const boxes = new Float64Array(4 * n);
  const scores = new Float64Array(n);
  const classIds = new Int32Array(n);
  const classIndex = new Map<string, number>();
  detections.forEach((d, i) => {
    boxes.set([d.box.x1, d.box.y1, d.box.x2, d.box.y2], 4 * i);
    scores[i] = d.score;
    let id = classIndex.get(d.className);
    if (id === undefined) {
      id = classIndex.size;
      classIndex.set(d.className, id);
    }
    classIds[i] = id;
  });
  return nonMaxSuppressionIndices(boxes, scores, classIds, options).map((i) => detections[i] as Detection);
}

export interface PostprocessOptions extends NmsOptions {
  /** Detections scoring below this are dropped before NMS (default 0.25). */
  readonly scoreThreshold?: number;
  /** Boxes narrower or lower than this many original pixels after clipping are dropped (default 1). */
  readonly minBoxSize?: number;
}

/**
 * Detections in model-input pixels → the detections to report: score threshold, per-class NMS,
 * boxes mapped back through the letterbox to original image pixels and clipped to the image.
 */
export function postprocessDetections(
  detections: readonly Detection[],
  mapping: LetterboxMapping,
  options: PostprocessOptions = {},
): Detection[] {
  const threshold = options.scoreThreshold ?? 0.25;
  const minSize = options.minBoxSize ?? 1;
  const kept = nonMaxSuppression(
    detections.filter((d) => d.score >= threshold),
    options,
  );
  const out: Detection[] = [];
  for (const d of kept) {
    const box = boxToOriginal(d.box, mapping);
    if (box.x2 - box.x1 < minSize || box.y2 - box.y1 < minSize) continue;
    out.push({ className: d.className, score: d.score, box });
  }
  return out;
}
