import type { Detection, LabelledBox, ReviewDecision } from '@argus/contracts';
import { boxIou } from '@argus/vision/data';

/** A box must overlap its true defect this much (and name its class) for the alert to be confirmed. */
export const CONFIRM_MIN_IOU = 0.5;

export interface ScriptedReview {
  readonly decision: ReviewDecision;
  /** The ground truth to record: the true boxes for a correction; absent otherwise (the use case knows). */
  readonly boxes?: readonly LabelledBox[];
  /** What the reviewer saw, in the review's comment (an operator reading the history sees it was scripted). */
  readonly comment: string;
}

/**
 * What a careful operator who knows the scene's true defects decides about an alert:
 * - the part is good (no true defect): **reject** (a false positive, a hard negative to learn);
 * - the alert's boxes and the true defects match one to one (same class, IoU ≥ 0.5): **confirm**;
 * - otherwise (a box wrong, a defect missed, a class mistaken): **correct** with the true boxes.
 * True boxes are clipped to the frame (the console refuses a correction outside it).
 */
export function decideScriptedReview(
  truth: readonly LabelledBox[],
  predictions: readonly Pick<Detection, 'className' | 'box'>[],
  frame: { readonly width: number; readonly height: number },
): ScriptedReview {
  if (truth.length === 0) return { decision: 'rejected', comment: 'scripted reviewer: a good part, no defect' };
  if (matchOneToOne(truth, predictions)) {
    return { decision: 'confirmed', comment: `scripted reviewer: every box matches a true defect (${truth.length})` };
  }
  const boxes = truth.map((b) => ({ className: b.className, box: clip(b.box, frame) })).filter((b) => b.box !== null) as LabelledBox[];
  return {
    decision: 'corrected',
    boxes,
    comment: `scripted reviewer: the true defects (${boxes.length}) replace the ${predictions.length} detected`,
  };
}

/** Whether every prediction pairs with its own true box of the same class at IoU ≥ CONFIRM_MIN_IOU, none left over (greedy, best IoU first). */
export function matchOneToOne(truth: readonly LabelledBox[], predictions: readonly Pick<Detection, 'className' | 'box'>[]): boolean {
  if (truth.length !== predictions.length) return false;
  const pairs: { t: number; p: number; iou: number }[] = [];
  truth.forEach((t, ti) =>
    predictions.forEach((p, pi) => {
      if (t.className !== p.className) return;
      const iou = boxIou(t.box, p.box);
      if (iou >= CONFIRM_MIN_IOU) pairs.push({ t: ti, p: pi, iou });
    }),
  );
  pairs.sort((a, b) => b.iou - a.iou);
  const usedT = new Set<number>();
  const usedP = new Set<number>();
  for (const pair of pairs) {
    if (usedT.has(pair.t) || usedP.has(pair.p)) continue;
    usedT.add(pair.t);
    usedP.add(pair.p);
  }
  return usedT.size === truth.length;
}

function clip(box: LabelledBox['box'], frame: { width: number; height: number }): LabelledBox['box'] | null {
  const clipped = {
    x1: Math.max(0, Math.min(box.x1, frame.width)),
    y1: Math.max(0, Math.min(box.y1, frame.height)),
    x2: Math.max(0, Math.min(box.x2, frame.width)),
    y2: Math.max(0, Math.min(box.y2, frame.height)),
  };
  return clipped.x2 > clipped.x1 && clipped.y2 > clipped.y1 ? clipped : null;
}
