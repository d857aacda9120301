import type { ReviewSubmittedV1 } from '@argus/contracts';
import { CONFLICT_RULE, frameLabelFromReview, resolveFrameLabel, sameGroundTruth } from './frame-label';

const FRAME = '00000000-0000-4000-8000-000000000001';
const box = (className: string, x1: number, y1: number, x2: number, y2: number) => ({ className, box: { x1, y1, x2, y2 } });

function review(overrides: Partial<ReviewSubmittedV1>): ReviewSubmittedV1 {
  return {
    eventId: '00000000-0000-4000-8000-0000000000e1',
    occurredAt: '2026-12-07T10:00:00.000Z',
    reviewId: '00000000-0000-4000-8000-0000000000a1',
    alertId: '00000000-0000-4000-8000-0000000000b1',
    frameId: FRAME,
    lineId: 'pcb-1',
    cameraId: 'aoi-1',
    reviewerId: '00000000-0000-4000-8000-0000000000c1',
    decision: 'confirmed',
    boxes: [box('short', 10, 10, 20, 20)],
    objectKey: 'pcb-1/aoi-1/f.jpg',
    templateKey: 'templates/pcb-1.png',
    comment: null,
    ...overrides,
  };
}

describe('frameLabelFromReview', () => {
  it('takes a confirmed alert’s boxes (the model’s) as ground truth', () => {
    const label = frameLabelFromReview(review({ decision: 'confirmed' }));
    expect(label.boxes).toEqual([box('short', 10, 10, 20, 20)]);
    expect(label.kind).toBe('defects');
  });

  it('takes a corrected alert’s boxes as the operator left them, even none', () => {
    expect(frameLabelFromReview(review({ decision: 'corrected', boxes: [box('spur', 1, 2, 3, 4)] })).boxes).toEqual([
      box('spur', 1, 2, 3, 4),
    ]);
    const emptied = frameLabelFromReview(review({ decision: 'corrected', boxes: [] }));
    expect(emptied).toMatchObject({ boxes: [], kind: 'hard-negative' });
  });

  it('makes a rejected alert a hard negative, whatever boxes came with it', () => {
    const label = frameLabelFromReview(review({ decision: 'rejected', boxes: [box('short', 10, 10, 20, 20)] }));
    expect(label).toMatchObject({ boxes: [], kind: 'hard-negative', decision: 'rejected' });
  });

  it('keeps where the frame and its template are, and when it was reviewed', () => {
    expect(frameLabelFromReview(review({}))).toMatchObject({
      objectKey: 'pcb-1/aoi-1/f.jpg',
      templateKey: 'templates/pcb-1.png',
      reviewedAt: '2026-12-07T10:00:00.000Z',
    });
  });
});

describe('resolveFrameLabel', () => {
  const first = frameLabelFromReview(review({ reviewId: '00000000-0000-4000-8000-0000000000a1', occurredAt: '2026-12-07T10:00:00.000Z' }));
  const rejectedLater = frameLabelFromReview(
    review({ reviewId: '00000000-0000-4000-8000-0000000000a2', occurredAt: '2026-12-07T10:05:00.000Z', decision: 'rejected', boxes: [] }),
  );

  it('gives the one review of a frame, with no conflict', () => {
    expect(resolveFrameLabel([first])).toEqual({ label: first, conflict: null });
  });

  it('lets the latest review win and keeps the conflict with every review', () => {
    for (const order of [
      [first, rejectedLater],
      [rejectedLater, first],
    ]) {
      const resolved = resolveFrameLabel(order);
      expect(resolved.label).toBe(rejectedLater);
      expect(resolved.conflict).toMatchObject({ frameId: FRAME, winnerReviewId: rejectedLater.reviewId, rule: CONFLICT_RULE });
      expect(resolved.conflict!.reviews.map((r) => r.reviewId)).toEqual([first.reviewId, rejectedLater.reviewId]);
    }
  });

  it('sees no conflict when a second review agrees (a box redrawn a pixel off)', () => {
    const corrected = frameLabelFromReview(
      review({
        reviewId: '00000000-0000-4000-8000-0000000000a3',
        occurredAt: '2026-12-07T10:06:00.000Z',
        decision: 'corrected',
        boxes: [box('short', 10, 10, 20, 21)],
      }),
    );
    const resolved = resolveFrameLabel([first, corrected]);
    expect(resolved.label).toBe(corrected);
    expect(resolved.conflict).toBeNull();
  });

  it('counts a redelivered review once', () => {
    expect(resolveFrameLabel([first, first]).conflict).toBeNull();
  });

  it('breaks a tie on time by review id, whatever the order', () => {
    const twin = frameLabelFromReview(review({ reviewId: '00000000-0000-4000-8000-0000000000a9', decision: 'rejected', boxes: [] }));
    expect(resolveFrameLabel([twin, first]).label).toBe(twin);
    expect(resolveFrameLabel([first, twin]).label).toBe(twin);
  });

  it('refuses reviews of different frames', () => {
    const other = frameLabelFromReview(review({ frameId: '00000000-0000-4000-8000-000000000002' }));
    expect(() => resolveFrameLabel([first, other])).toThrow(/different frames/);
    expect(() => resolveFrameLabel([])).toThrow(/at least one review/);
  });
});

describe('sameGroundTruth', () => {
  it('matches boxes one to one by class and IoU', () => {
    const a = [box('short', 0, 0, 10, 10), box('short', 50, 50, 60, 60)];
    expect(sameGroundTruth(a, [...a].reverse())).toBe(true);
    expect(sameGroundTruth(a, [box('short', 0, 0, 10, 10), box('short', 0, 0, 10, 10)])).toBe(false);
    expect(sameGroundTruth([box('short', 0, 0, 10, 10)], [box('spur', 0, 0, 10, 10)])).toBe(false);
    expect(sameGroundTruth([box('short', 0, 0, 10, 10)], [box('short', 0, 0, 10, 14)])).toBe(false);
    expect(sameGroundTruth([], [])).toBe(true);
  });
});
