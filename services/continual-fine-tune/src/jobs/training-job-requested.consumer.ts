import { Topics } from '@argus/contracts';
import { type MessageBus, NonRetryableError, type Subscription } from '@argus/messaging';
import { UnknownTrainingJobError } from '../postgres/postgres-training-job.ledger';
import { DEFAULT_MAX_ATTEMPTS, type TrainingJobRunner } from './training-job.runner';

/**
 * A trainer worker's consumer of `training.job.requested.v1`: one job at a time. A job's own
 * failure is its outcome (the runner records and announces it); failures around it (ledger, object
 * store, bus) are retried, then dead-lettered. A job the ledger does not know is dead-lettered at
 * once: jobs are recorded before they are announced, so it never will be.
 */
export async function subscribeTrainingJobs(
  bus: MessageBus,
  runner: Pick<TrainingJobRunner, 'handle'>,
  groupId: string,
): Promise<Subscription> {
  return bus.subscribe(Topics.trainingJobRequested, {
    groupId,
    concurrency: 1,
    retry: { attempts: DEFAULT_MAX_ATTEMPTS, initialBackoffMs: 1_000, maxBackoffMs: 30_000 },
    handler: async (job) => {
      try {
        await runner.handle(job);
      } catch (error) {
        if (error instanceof UnknownTrainingJobError) throw new NonRetryableError(error.message, { cause: error });
        throw error;
      }
    },
  });
}
