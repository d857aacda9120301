import type { Box, Detection, LabelledBox } from '@argus/contracts';

/** Two boxes are the same object when they overlap this much (IoU) and name the same class. */
export const SHADOW_MATCH_MIN_IOU = 0.5;

/** Per class, the lowest score the line alerts on (its alert rules' `min_score`; `*`: every other class). */
export type AlertThresholds = Readonly<Record<string, number>>;

/** One frame both models scored, with the operators' ground truth when it was reviewed. */
export interface ShadowComparedFrame {
  readonly frameId: string;
  readonly production: readonly Detection[];
  readonly shadow: readonly Detection[];
  /** The resolved label's boxes (empty: a hard negative); null when no one reviewed the frame. */
  readonly groundTruth: readonly LabelledBox[] | null;
}

/** True positives, false positives and false negatives of predicted boxes against reference boxes. */
export interface MatchCounts {
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  /** TP / (TP + FP); null when nothing was predicted. */
  readonly precision: number | null;
  /** TP / (TP + FN); null when the reference has no box. */
  readonly recall: number | null;
}

export interface ShadowAgreement {
  /** Frames scored by both models. */
  readonly frames: number;
  /** The shadow's boxes against production's, production taken as the reference. */
  readonly shadowVsProduction: MatchCounts;
  /** Frames among `frames` that operators reviewed (ground truth). */
  readonly reviewedFrames: number;
  readonly productionVsTruth: MatchCounts;
  readonly shadowVsTruth: MatchCounts;
}

export function boxIou(a: Box, b: Box): number {
  const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Matches predicted boxes to reference boxes one to one, as detection AP does: predictions in
 * descending score (ties: in the order given), each taking the unmatched reference box of its
 * class with the highest IoU, if that is at least `minIou`. Greedy by score so a confident box is
 * never robbed of its object by a weaker duplicate, which then counts as a false positive.
 */
export function matchBoxes(
  predicted: readonly { readonly className: string; readonly box: Box; readonly score?: number }[],
  reference: readonly { readonly className: string; readonly box: Box }[],
  minIou: number = SHADOW_MATCH_MIN_IOU,
): { truePositives: number; falsePositives: number; falseNegatives: number } {
  const order = predicted.map((p, index) => ({ p, index })).sort((a, b) => (b.p.score ?? 0) - (a.p.score ?? 0) || a.index - b.index);
  const taken = new Array<boolean>(reference.length).fill(false);
  let truePositives = 0;
  for (const { p } of order) {
    let best = -1;
    let bestIou = minIou;
    reference.forEach((r, j) => {
      if (taken[j] || r.className !== p.className) return;
      const iou = boxIou(p.box, r.box);
      if (iou >= bestIou && (best === -1 || iou > bestIou)) {
        best = j;
        bestIou = iou;
      }
    });
    if (best >= 0) {
      taken[best] = true;
      truePositives += 1;
    }
  }
  return { truePositives, falsePositives: predicted.length - truePositives, falseNegatives: reference.length - truePositives };
}

/**
 * The detections the line would alert on: the class's own threshold, else the line's catch-all
 * `*` (as the alert rules decide); a class with neither never alerts, so it is left out, and so is
 * a box under its threshold. Box-area minimums are not applied: they filter alerts, not what a
 * model found. Both models are judged by what an
 * operator would have seen from them.
 */
export function atAlertThreshold(detections: readonly Detection[], thresholds: AlertThresholds): Detection[] {
  return detections.filter((d) => {
    const min = thresholds[d.className] ?? thresholds['*'];
    return min !== undefined && d.score >= min;
  });
}

/**
 * Agreement of a shadow with production over the frames both scored, and of each with the
 * operators' ground truth on the reviewed ones, at the line's alert thresholds. Counts are summed
 * over frames (micro-averaged), so a frame with many boxes weighs more than an empty one.
 */
export function shadowAgreement(
  frames: readonly ShadowComparedFrame[],
  thresholds: AlertThresholds,
  minIou = SHADOW_MATCH_MIN_IOU,
): ShadowAgreement {
  const vsProduction = new Tally();
  const production = new Tally();
  const shadow = new Tally();
  let reviewedFrames = 0;
  for (const frame of frames) {
    const prod = atAlertThreshold(frame.production, thresholds);
    const shad = atAlertThreshold(frame.shadow, thresholds);
    vsProduction.add(matchBoxes(shad, prod, minIou));
    if (frame.groundTruth) {
      reviewedFrames += 1;
      production.add(matchBoxes(prod, frame.groundTruth, minIou));
      shadow.add(matchBoxes(shad, frame.groundTruth, minIou));
    }
  }
  return {
    frames: frames.length,
    shadowVsProduction: vsProduction.counts(),
    reviewedFrames,
    productionVsTruth: production.counts(),
    shadowVsTruth: shadow.counts(),
  };
}

class Tally {
  private tp = 0;
  private fp = 0;
  private fn = 0;

  add(m: { truePositives: number; falsePositives: number; falseNegatives: number }): void {
    this.tp += m.truePositives;
    this.fp += m.falsePositives;
    this.fn += m.falseNegatives;
  }

  counts(): MatchCounts {
    return {
      truePositives: this.tp,
      falsePositives: this.fp,
      falseNegatives: this.fn,
      precision: this.tp + this.fp === 0 ? null : this.tp / (this.tp + this.fp),
      recall: this.tp + this.fn === 0 ? null : this.tp / (this.tp + this.fn),
    };
  }
}
