import type { ReviewDecision } from '@argus/contracts';
import type { AlertStatus } from '@argus/persistence';

/**
 * The alert's status after a review: the decision of the latest review, whatever came before. A
 * second reviewer who disagrees overrides the first (both reviews are kept; `findConflictingReview`
 * flags the disagreement), and an operator may change their mind.
 */
export function alertStatusAfterReview(decision: ReviewDecision): AlertStatus {
  switch (decision) {
    case 'confirmed':
      return 'confirmed';
    case 'rejected':
      return 'rejected';
    case 'corrected':
      return 'corrected';
  }
}
