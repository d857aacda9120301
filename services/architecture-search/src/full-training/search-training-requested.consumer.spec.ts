import { type SearchTrainingRequestedV1, Topics } from '@argus/contracts';
import { type MessageBus, NonRetryableError, type SubscribeOptions } from '@argus/messaging';
import { FullTrainingInterruptedError, InvalidTrialSpecError } from './full-training.errors';
import { FULL_TRAINING_ATTEMPTS, subscribeSearchTrainingRequests } from './search-training-requested.consumer';

type Options = SubscribeOptions<typeof Topics.searchTrainingRequested>;

async function subscribed(execute: (request: SearchTrainingRequestedV1) => Promise<unknown>) {
  let options: Options | undefined;
  const bus = {
    subscribe: async (topic: { name: string }, o: Options) => {
      expect(topic.name).toBe(Topics.searchTrainingRequested.name);
      options = o;
      return { stop: async () => undefined };
    },
  } as unknown as MessageBus;
  await subscribeSearchTrainingRequests(bus, { execute: execute as never }, 'group-1');
  if (!options) throw new Error('not subscribed');
  return options;
}

const request = { requestId: 'r1', trialId: 't1' } as SearchTrainingRequestedV1;
const metadata = {} as never;

describe('search.training.requested.v1 consumer', () => {
  it('takes one request at a time in its group, retrying other failures once', async () => {
    const options = await subscribed(async () => undefined);
    expect(options).toMatchObject({ groupId: 'group-1', concurrency: 1, retry: { attempts: FULL_TRAINING_ATTEMPTS } });
    await options.handler(request, metadata);
  });

  it('dead-letters a refused request at once, with its code and reason', async () => {
    const options = await subscribed(async () => {
      throw new InvalidTrialSpecError('t1', ['classes must not be empty']);
    });
    const handled = options.handler(request, metadata);
    await expect(handled).rejects.toBeInstanceOf(NonRetryableError);
    await expect(handled).rejects.toMatchObject({ code: 'search-training.invalid-spec', message: expect.stringContaining('classes') });
  });

  it('lets an interruption through as it is (the bus leaves it for redelivery while stopping)', async () => {
    const interrupted = new FullTrainingInterruptedError('r1');
    const options = await subscribed(async () => {
      throw interrupted;
    });
    await expect(options.handler(request, metadata)).rejects.toBe(interrupted);
  });
});
