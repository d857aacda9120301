import type { LabelledBox, ReviewDecision, ReviewSubmittedV1 } from '@argus/contracts';
import { boxIou } from '@argus/vision';

/**
 * What one operator review says about its frame, as training data. A confirmed alert's ground
 * truth is the boxes the model drew (the console sends them with the decision), a corrected one's
 * the boxes the operator left, and a rejected one's nothing at all: the frame is a hard negative,
 * exactly what teaches a detector to stop raising that false alarm.
 */
export interface FrameLabel {
  readonly frameId: string;
  readonly lineId: string;
  readonly cameraId: string;
  readonly reviewId: string;
  readonly reviewerId: string;
  readonly decision: ReviewDecision;
  readonly boxes: readonly LabelledBox[];
  /** `defects` when the ground truth has boxes, `hard-negative` when it has none. */
  readonly kind: 'defects' | 'hard-negative';
  readonly objectKey: string;
  readonly templateKey: string | null;
  /** When the review was made (the event's `occurredAt`). */
  readonly reviewedAt: string;
}

export function frameLabelFromReview(review: ReviewSubmittedV1): FrameLabel {
  // A rejection says the alert was a false positive; whatever boxes a client sent with it are
  // not ground truth (the console refuses them, other producers might not).
  const boxes = review.decision === 'rejected' ? [] : review.boxes.map((b) => ({ className: b.className, box: { ...b.box } }));
  return {
    frameId: review.frameId,
    lineId: review.lineId,
    cameraId: review.cameraId,
    reviewId: review.reviewId,
    reviewerId: review.reviewerId,
    decision: review.decision,
    boxes,
    kind: boxes.length > 0 ? 'defects' : 'hard-negative',
    objectKey: review.objectKey,
    templateKey: review.templateKey,
    reviewedAt: review.occurredAt,
  };
}

/** Two reviews of one frame whose ground truths differ, kept for whoever audits the data set. */
export interface LabelConflict {
  readonly frameId: string;
  /** Every distinct review of the frame, oldest first. */
  readonly reviews: readonly Pick<FrameLabel, 'reviewId' | 'reviewerId' | 'decision' | 'reviewedAt' | 'boxes'>[];
  readonly winnerReviewId: string;
  readonly rule: typeof CONFLICT_RULE;
}

export interface ResolvedFrameLabel {
  readonly label: FrameLabel;
  /** Null when every review of the frame agrees. */
  readonly conflict: LabelConflict | null;
}

/**
 * The rule for a frame reviewed more than once with different answers: the latest review wins.
 * A second look at a frame is, on a line, nearly always a correction (a shift lead going over the
 * queue, an operator fixing a slip); ranking decisions instead (say, corrected over confirmed)
 * would let an old, careless correction outvote a later, careful rejection. Ties on time go to the
 * larger review id, so every replay resolves the same way.
 */
export const CONFLICT_RULE = 'latest-review-wins' as const;

/** Boxes this close (IoU) with the same class count as the same box: a re-drawn box is not a conflict. */
export const SAME_BOX_IOU = 0.9;

/** Resolves every review of one frame (redelivered copies of a review count once). */
export function resolveFrameLabel(labels: readonly FrameLabel[]): ResolvedFrameLabel {
  if (labels.length === 0) throw new RangeError('a frame needs at least one review to have a label');
  const frameId = labels[0]!.frameId;
  const byReview = new Map<string, FrameLabel>();
  for (const label of labels) {
    if (label.frameId !== frameId)
      throw new RangeError(`reviews of different frames (${frameId}, ${label.frameId}) cannot be resolved together`);
    byReview.set(label.reviewId, label);
  }
  const ordered = [...byReview.values()].sort(
    (a, b) => Date.parse(a.reviewedAt) - Date.parse(b.reviewedAt) || (a.reviewId < b.reviewId ? -1 : a.reviewId > b.reviewId ? 1 : 0),
  );
  const winner = ordered[ordered.length - 1]!;
  const disagrees = ordered.some((l) => !sameGroundTruth(l.boxes, winner.boxes));
  return {
    label: winner,
    conflict: disagrees
      ? {
          frameId,
          reviews: ordered.map(({ reviewId, reviewerId, decision, reviewedAt, boxes }) => ({
            reviewId,
            reviewerId,
            decision,
            reviewedAt,
            boxes,
          })),
          winnerReviewId: winner.reviewId,
          rule: CONFLICT_RULE,
        }
      : null,
  };
}

/** Same classes and boxes, each matched one to one at IoU ≥ SAME_BOX_IOU. */
export function sameGroundTruth(a: readonly LabelledBox[], b: readonly LabelledBox[]): boolean {
  if (a.length !== b.length) return false;
  const unmatched = [...b];
  for (const box of a) {
    let best = -1;
    let bestIou = SAME_BOX_IOU;
    unmatched.forEach((other, i) => {
      if (other.className !== box.className) return;
      const iou = boxIou(box.box, other.box);
      if (iou >= bestIou) {
        best = i;
        bestIou = iou;
      }
    });
    if (best < 0) return false;
    unmatched.splice(best, 1);
  }
  return true;
}
