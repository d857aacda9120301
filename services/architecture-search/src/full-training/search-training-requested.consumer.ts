import { Topics } from '@argus/contracts';
import { type MessageBus, NonRetryableError, type Subscription } from '@argus/messaging';
import { FullTrainingRefusedError } from './full-training.errors';
import type { RunFullTrainingUseCase } from './run-full-training.use-case';

/** A full training that failed on the infrastructure is tried once more before it is dead-lettered. */
export const FULL_TRAINING_ATTEMPTS = 2;

/**
 * The full-training worker's consumer of `search.training.requested.v1`: one request at a time
 * (concurrency 1; the subscription keeps the group's heartbeats going while it trains). A request
 * that can never train (invalid spec or data source, a search or trial this deployment does not
 * have) is dead-lettered at once with the reason; other failures are retried, then dead-lettered.
 * Offsets are committed only after the candidate is registered and announced, so a worker killed
 * mid-training — or shut down, which interrupts the training — leaves the request to be redelivered.
 */
export async function subscribeSearchTrainingRequests(
  bus: MessageBus,
  useCase: Pick<RunFullTrainingUseCase, 'execute'>,
  groupId: string,
): Promise<Subscription> {
  return bus.subscribe(Topics.searchTrainingRequested, {
    groupId,
    concurrency: 1,
    retry: { attempts: FULL_TRAINING_ATTEMPTS, initialBackoffMs: 5_000, maxBackoffMs: 30_000 },
    handler: async (request) => {
      try {
        await useCase.execute(request);
      } catch (error) {
        if (error instanceof FullTrainingRefusedError) throw new NonRetryableError(error.message, { code: error.code, cause: error });
        throw error;
      }
    },
  });
}
