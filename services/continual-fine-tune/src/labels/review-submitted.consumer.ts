import { Topics } from '@argus/contracts';
import { type MessageBus, NonRetryableError, type Subscription } from '@argus/messaging';
import { UnknownFrameError } from '../continual.errors';
import type { RecordReviewLabelUseCase } from './record-review-label.use-case';

export const LABELS_GROUP_ID = 'continual-fine-tune.labels';

/**
 * Consumes `inspection.review.submitted.v1`. A review of a frame this installation does not store
 * is dead-lettered with the reason (retrying cannot make the frame appear); any other failure is
 * retried by the bus and then dead-lettered, never acknowledged unrecorded.
 */
export async function subscribeReviewLabels(
  bus: MessageBus,
  useCase: RecordReviewLabelUseCase,
  groupId: string = LABELS_GROUP_ID,
): Promise<Subscription> {
  return bus.subscribe(Topics.reviewSubmitted, {
    groupId,
    retry: { attempts: 5, initialBackoffMs: 200, maxBackoffMs: 5_000 },
    handler: async (review) => {
      try {
        await useCase.execute(review);
      } catch (error) {
        if (error instanceof UnknownFrameError) throw new NonRetryableError(error.message, { code: error.code, cause: error });
        throw error;
      }
    },
  });
}
