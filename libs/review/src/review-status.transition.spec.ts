import { alertStatusAfterReview } from './review-status.transition';
import { reviewSubmittedAuditEntry } from './review-audit.entry';

describe('alertStatusAfterReview', () => {
  it('gives the alert the status of the latest decision, whatever came before', () => {
    expect(alertStatusAfterReview('confirmed')).toBe('confirmed');
    expect(alertStatusAfterReview('rejected')).toBe('rejected');
    expect(alertStatusAfterReview('corrected')).toBe('corrected');
  });
});

describe('reviewSubmittedAuditEntry', () => {
  it('records the alert’s status before and after, the review and how many boxes it left', () => {
    expect(
      reviewSubmittedAuditEntry({
        actor: 'ana',
        alertId: 'a-1',
        reviewId: 'r-1',
        statusBefore: 'open',
        statusAfter: 'corrected',
        boxCount: 2,
      }),
    ).toEqual({
      actor: 'ana',
      action: 'review.submitted',
      subjectType: 'alert',
      subjectId: 'a-1',
      before: { status: 'open' },
      after: { status: 'corrected', reviewId: 'r-1', boxes: 2 },
    });
  });
});
