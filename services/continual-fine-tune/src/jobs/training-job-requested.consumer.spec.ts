import type { TrainingJobRequestedV1 } from '@argus/contracts';
import { type MessageBus, type MessageMetadata, NonRetryableError, type SubscribeOptions, type Subscription } from '@argus/messaging';
import { strictMock } from '@argus/platform/testing';
import { UnknownTrainingJobError } from '../postgres/postgres-training-job.ledger';
import { subscribeTrainingJobs } from './training-job-requested.consumer';

describe('subscribeTrainingJobs', () => {
  async function handlerFor(handle: (job: TrainingJobRequestedV1) => Promise<void>) {
    let options: SubscribeOptions<never> | undefined;
    const bus = strictMock<MessageBus>('bus', {
      subscribe: async (_topic, given) => {
        options = given as unknown as SubscribeOptions<never>;
        return strictMock<Subscription>('subscription', {});
      },
    });
    await subscribeTrainingJobs(bus, { handle }, 'trainers-test');
    if (!options) throw new Error('not subscribed');
    return options;
  }
  const job = { jobId: 'job-1' } as TrainingJobRequestedV1;
  const metadata = {} as MessageMetadata;

  it('takes one job at a time in the given group', async () => {
    expect(await handlerFor(async () => undefined)).toMatchObject({ groupId: 'trainers-test', concurrency: 1 });
  });

  it('dead-letters at once a job the ledger does not know; other failures are retried', async () => {
    const unknown = await handlerFor(async () => {
      throw new UnknownTrainingJobError('job-1');
    });
    await expect(unknown.handler(job as never, metadata)).rejects.toBeInstanceOf(NonRetryableError);
    const failing = await handlerFor(async () => {
      throw new Error('object store down');
    });
    const error = await Promise.resolve(failing.handler(job as never, metadata)).catch((e: unknown) => e);
    expect(error).toEqual(new Error('object store down'));
    expect(error).not.toBeInstanceOf(NonRetryableError);
  });
});
