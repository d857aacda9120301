import { Topics } from '@argus/contracts';
import { type MessageBus, NonRetryableError, type Subscription } from '@argus/messaging';
import { UnknownSearchError, UnknownTrialError } from '../search.errors';
import type { TrialRunner } from './trial.runner';

/**
 * A trial worker's consumer of `search.trial.requested.v1`: one trial at a time (concurrency 1; add
 * processes to run more). The offset is committed only after the handler returned, that is after
 * the answer was published: a worker killed mid-trial leaves it to the group. While a trial trains,
 * the subscription keeps sending group heartbeats (the trainer yields to the event loop every step),
 * so a long trial keeps its partition. A request naming a search or trial never recorded is
 * dead-lettered at once; other failures (Postgres, Kafka) are retried, then dead-lettered.
 */
export async function subscribeTrialRequests(bus: MessageBus, runner: Pick<TrialRunner, 'handle'>, groupId: string): Promise<Subscription> {
  return bus.subscribe(Topics.searchTrialRequested, {
    groupId,
    concurrency: 1,
    retry: { attempts: 3, initialBackoffMs: 1_000, maxBackoffMs: 10_000 },
    handler: async (request) => {
      try {
        await runner.handle(request);
      } catch (error) {
        if (error instanceof UnknownSearchError || error instanceof UnknownTrialError) {
          throw new NonRetryableError(error.message, { cause: error });
        }
        throw error;
      }
    },
  });
}
