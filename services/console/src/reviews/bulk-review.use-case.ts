import { DomainError } from '@argus/platform';
import type { SubmitReviewUseCase } from './submit-review.use-case';

export interface BulkReviewCommand {
  readonly decision: 'confirmed' | 'rejected';
  readonly alertIds: readonly string[];
  readonly reviewer: { readonly id: string; readonly name: string };
}

export type BulkReviewResult =
  | { readonly alertId: string; readonly reviewId: string }
  | { readonly alertId: string; readonly error: { readonly code: string; readonly message: string; readonly reviewId?: string } };

/**
 * The same decision on many alerts (a filtered selection the operator confirmed). Each alert is
 * one ordinary review — row, audit entry, event — one after another; one alert failing (gone,
 * announce failed) is reported in its result and does not stop the others.
 */
export class BulkReviewUseCase {
  constructor(private readonly submit: Pick<SubmitReviewUseCase, 'execute'>) {}

  async execute(command: BulkReviewCommand): Promise<BulkReviewResult[]> {
    const results: BulkReviewResult[] = [];
    for (const alertId of new Set(command.alertIds)) {
      try {
        const { recorded } = await this.submit.execute({ alertId, decision: command.decision, reviewer: command.reviewer });
        results.push({ alertId, reviewId: recorded.review.id });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        const reviewId = typeof error.details?.['reviewId'] === 'string' ? error.details['reviewId'] : undefined;
        results.push({ alertId, error: { code: error.code, message: error.message, ...(reviewId ? { reviewId } : {}) } });
      }
    }
    return results;
  }
}
