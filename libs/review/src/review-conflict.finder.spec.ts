import type { LabelledBox } from '@argus/contracts';
import { findConflictingReview, type ReviewFacts } from './review-conflict.finder';

const box = (x1: number, className = 'open'): LabelledBox => ({ className, box: { x1, y1: 0, x2: x1 + 5, y2: 5 } });
const r = (id: string, reviewerId: string, decision: ReviewFacts['decision'], boxes: LabelledBox[] = []): ReviewFacts => ({
  id,
  reviewerId,
  decision,
  boxes,
});

describe('findConflictingReview', () => {
  it('names the latest earlier review by someone else with another decision', () => {
    const earlier = [r('1', 'ana', 'rejected'), r('2', 'bo', 'rejected')];
    expect(findConflictingReview(r('3', 'cy', 'confirmed'), earlier)).toBe('2');
  });

  it('is null when the decisions agree, or when the earlier review is the same reviewer changing their mind', () => {
    expect(findConflictingReview(r('2', 'bo', 'confirmed'), [r('1', 'ana', 'confirmed')])).toBeNull();
    expect(findConflictingReview(r('2', 'ana', 'rejected'), [r('1', 'ana', 'confirmed')])).toBeNull();
    expect(findConflictingReview(r('1', 'ana', 'rejected'), [])).toBeNull();
  });

  it('compares two corrections by their boxes, in any order', () => {
    const earlier = [r('1', 'ana', 'corrected', [box(1), box(9, 'short')])];
    expect(findConflictingReview(r('2', 'bo', 'corrected', [box(9, 'short'), box(1)]), earlier)).toBeNull();
    expect(findConflictingReview(r('2', 'bo', 'corrected', [box(2), box(9, 'short')]), earlier)).toBe('1');
    expect(findConflictingReview(r('2', 'bo', 'corrected', [box(1, 'spur'), box(9, 'short')]), earlier)).toBe('1');
  });

  it('skips the review itself when it is in the list (a retried submission)', () => {
    expect(findConflictingReview(r('2', 'bo', 'rejected'), [r('1', 'ana', 'rejected'), r('2', 'bo', 'rejected')])).toBeNull();
  });
});
