import { isDeepStrictEqual } from 'node:util';
import type { LabelledBox, ReviewDecision } from '@argus/contracts';

export interface ReviewFacts {
  readonly id: string;
  readonly reviewerId: string;
  readonly decision: ReviewDecision;
  readonly boxes: readonly LabelledBox[];
}

/**
 * The earlier review that `review` disagrees with, or null: the latest one by another reviewer
 * whose decision differs — or, both being corrections, whose boxes differ. Reviews by the same
 * person are that person changing their mind, not a conflict. `earlier` is oldest first.
 */
export function findConflictingReview(review: ReviewFacts, earlier: readonly ReviewFacts[]): string | null {
  for (let i = earlier.length - 1; i >= 0; i -= 1) {
    const other = earlier[i] as ReviewFacts;
    if (other.id === review.id || other.reviewerId === review.reviewerId) continue;
    if (other.decision !== review.decision) return other.id;
    if (review.decision === 'corrected' && !sameBoxes(other.boxes, review.boxes)) return other.id;
  }
  return null;
}

function sameBoxes(a: readonly LabelledBox[], b: readonly LabelledBox[]): boolean {
  const key = (box: LabelledBox) => JSON.stringify([box.className, box.box.x1, box.box.y1, box.box.x2, box.box.y2]);
  return isDeepStrictEqual(a.map(key).sort(), b.map(key).sort());
}
