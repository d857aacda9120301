import type { AlertStatus, NewAuditEntry } from '@argus/persistence';

/** The audit actions of the review domain. */
export const ReviewAuditActions = { submitted: 'review.submitted' } as const;

/** The audit entry of a recorded review: the alert's status before and after, the review, how many boxes. */
export function reviewSubmittedAuditEntry(review: {
  readonly actor: string;
  readonly alertId: string;
  readonly reviewId: string;
  readonly statusBefore: AlertStatus;
  readonly statusAfter: AlertStatus;
  readonly boxCount: number;
}): NewAuditEntry {
  return {
    actor: review.actor,
    action: ReviewAuditActions.submitted,
    subjectType: 'alert',
    subjectId: review.alertId,
    before: { status: review.statusBefore },
    after: { status: review.statusAfter, reviewId: review.reviewId, boxes: review.boxCount },
  };
}
