import { DeadLetterHeaders, Topics, type SearchTrialCompletedV1 } from '@argus/contracts';
import { decodeHeaders, InMemoryMessageBusAdapter, noSleeper } from '@argus/messaging';
import { UnknownSearchError } from '../search.errors';
import { controllerGroups, subscribeSearchController } from './search-controller.consumers';
import type { SearchControllerLoop } from './search-controller.loop';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const SEARCH = '00000000-0000-4000-8000-0000000000a1';
const answer: SearchTrialCompletedV1 = {
  eventId: '00000000-0000-4000-8000-0000000000f1',
  occurredAt: '2026-12-07T10:01:00.000+00:00',
  searchId: SEARCH,
  trialId: '00000000-0000-4000-8000-0000000000b1',
  rung: 0,
  workerId: 'w1',
  outcome: 'failed',
  reason: 'NaN loss',
};
const cancel = {
  eventId: '00000000-0000-4000-8000-000000000002',
  occurredAt: answer.occurredAt,
  searchId: SEARCH,
  requestedBy: 'bob',
  reason: 'enough',
};

async function busWith(loop: Pick<SearchControllerLoop, 'start' | 'cancel' | 'answer'>) {
  const bus = new InMemoryMessageBusAdapter({ logger: quiet, sleep: noSleeper });
  await bus.ensureTopics([Topics.searchRequested, Topics.searchCancelRequested, Topics.searchTrialCompleted]);
  await subscribeSearchController(bus, loop, 'search-test');
  await bus.start();
  return bus;
}

function reasons(bus: InMemoryMessageBusAdapter, topic: { name: string }): string[] {
  return bus.deadLetters(topic.name).map((r) => decodeHeaders(r.headers)[DeadLetterHeaders.reason] ?? '');
}

describe('the controller consumers', () => {
  it('takes each topic in a group of its own', () => {
    expect(controllerGroups('c')).toEqual({ requests: 'c.requests', cancels: 'c.cancels', answers: 'c.answers' });
  });

  it('dead-letters at once, with the reason, an answer for a search never recorded', async () => {
    let calls = 0;
    const bus = await busWith({
      start: async () => undefined,
      cancel: async () => undefined,
      answer: async () => {
        calls += 1;
        throw new UnknownSearchError(SEARCH, 'a trial answer');
      },
    });
    await bus.publish(Topics.searchTrialCompleted, answer);
    await bus.idle();
    expect(calls).toBe(1);
    expect(reasons(bus, Topics.searchTrialCompleted)).toEqual([
      expect.stringContaining(`names search ${SEARCH}, which is not recorded here`),
    ]);
    await bus.stop();
  });

  it('retries a cancel for a search not recorded yet (its request may be on its way), then dead-letters it', async () => {
    let calls = 0;
    const bus = await busWith({
      start: async () => undefined,
      answer: async () => undefined,
      cancel: async () => {
        calls += 1;
        throw new UnknownSearchError(SEARCH, 'a cancel request');
      },
    });
    await bus.publish(Topics.searchCancelRequested, cancel);
    await bus.idle();
    expect(calls).toBe(5);
    expect(reasons(bus, Topics.searchCancelRequested)).toHaveLength(1);
    await bus.stop();
  });
});
