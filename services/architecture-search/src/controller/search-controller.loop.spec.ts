import { Topics, type SearchRequestedV1, type SearchTrialCompletedV1, type SearchTrialRequestedV1 } from '@argus/contracts';
import { tinyPcbSpec } from '@argus/vision/testing';
import { UnknownSearchError, UnknownTrialError } from '../search.errors';
import { InMemorySearchStore } from '../testing/in-memory-search.store';
import { RecordingBus } from '../testing/recording.bus';
import { scriptedEngines } from '../testing/scripted-search.engine';
import { SearchControllerLoop } from './search-controller.loop';

const SEARCH = '00000000-0000-4000-8000-0000000000a1';
const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };

function searchRequest(overrides: Partial<SearchRequestedV1> = {}): SearchRequestedV1 {
  return {
    eventId: '00000000-0000-4000-8000-000000000001',
    occurredAt: '2026-12-07T10:00:00.000+00:00',
    searchId: SEARCH,
    lineId: 'pcb-1',
    name: 'fast',
    controller: 'random',
    seed: 1,
    dataSource: 'synthetic:pcb',
    base: { spec: tinyPcbSpec() as unknown as Record<string, unknown>, modelVersionId: null },
    objective: { targetMs: 5, alpha: -0.07, beta: -0.07, servingBatch: 2, servingThreads: 1 },
    budget: { maxTrials: 3 },
    rungs: [{ rung: 0, epochs: 1, trainImages: 8, cropsPerImage: 1 }],
    eta: 3,
    maxInFlight: 2,
    requestedBy: 'alice',
    ...overrides,
  };
}

function answer(trial: SearchTrialRequestedV1, ap: number, workerId = 'w1'): SearchTrialCompletedV1 {
  return {
    eventId: '00000000-0000-4000-8000-0000000000f1',
    occurredAt: '2026-12-07T10:01:00.000+00:00',
    searchId: trial.searchId,
    trialId: trial.trialId,
    rung: trial.rung,
    workerId,
    outcome: 'completed',
    measurement: { ap, latencyMs: 2 + ap, latencySource: 'measured', params: 100, macs: 1000, trainSeconds: 1, evalSeconds: 1 },
  };
}

function setup() {
  const store = new InMemorySearchStore();
  const bus = new RecordingBus();
  const loop = new SearchControllerLoop({ store, engines: scriptedEngines, bus, logger: quiet, clock: () => 1_000 });
  return { store, bus, loop };
}

describe('SearchControllerLoop', () => {
  it('starts a search: recorded with its first trials, then requested (at most maxInFlight), with its progress', async () => {
    const { store, bus, loop } = setup();
    await loop.start(searchRequest());
    const trials = bus.of(Topics.searchTrialRequested);
    expect(trials.map((t) => t.sequence)).toEqual([0, 1]);
    expect(trials[0]).toMatchObject({ searchId: SEARCH, dataSource: 'synthetic:pcb', objective: { servingBatch: 2 } });
    expect(store.trialRows(SEARCH)).toHaveLength(2);
    expect(bus.of(Topics.searchProgress)).toEqual([expect.objectContaining({ requested: 2, inFlight: 2, done: false })]);
  });

  it('answers a redelivered request by requesting again only the trials no worker started, under the same event ids', async () => {
    const { store, bus, loop } = setup();
    await loop.start(searchRequest());
    const [first, second] = bus.of(Topics.searchTrialRequested);
    await store.markTrialStarted(SEARCH, first?.trialId ?? '', 0);
    bus.clear();
    await loop.start(searchRequest());
    expect(bus.of(Topics.searchTrialRequested)).toEqual([second]);
    expect(store.trialRows(SEARCH)).toHaveLength(2);
  });

  it('counts an answer once, requests the next trial, and completes when the budget is spent and nothing is in flight', async () => {
    const { store, bus, loop } = setup();
    await loop.start(searchRequest());
    const [t0, t1] = bus.of(Topics.searchTrialRequested) as [SearchTrialRequestedV1, SearchTrialRequestedV1];
    await loop.answer(answer(t0, 0.5));
    const t2 = bus.of(Topics.searchTrialRequested)[2] as SearchTrialRequestedV1;
    expect(t2.sequence).toBe(2);

    bus.clear();
    await loop.answer(answer(t0, 0.9, 'w2')); // a duplicate: a second worker ran it too
    expect(store.trialRows(SEARCH).find((r) => r.request.trialId === t0.trialId)?.outcome).toMatchObject({ workerId: 'w1', reward: 0.5 });
    expect(bus.of(Topics.searchProgress)).toEqual([]);

    await loop.answer(answer(t1, 0.7));
    expect(bus.of(Topics.searchCompleted)).toEqual([]);
    await loop.answer({ ...answer(t2, 0.1), outcome: 'failed', reason: 'NaN loss' } as SearchTrialCompletedV1);
    const [end] = bus.of(Topics.searchCompleted);
    expect(end).toMatchObject({ status: 'completed', requested: 3, completed: 2, failed: 1, best: { trialId: t1.trialId, ap: 0.7 } });
    expect(store.searches.get(SEARCH)?.status).toBe('completed');
    expect(store.trialRows(SEARCH).map((r) => r.status)).toEqual(['completed', 'completed', 'failed']);
  });

  it('refuses an answer for a trial its search never requested, and one for an unknown search', async () => {
    const { bus, loop } = setup();
    await loop.start(searchRequest());
    const [t0] = bus.of(Topics.searchTrialRequested) as [SearchTrialRequestedV1];
    await expect(loop.answer({ ...answer(t0, 0.5), trialId: '00000000-0000-4000-8000-0000000000ee' })).rejects.toBeInstanceOf(
      UnknownTrialError,
    );
    await expect(loop.answer({ ...answer(t0, 0.5), searchId: '00000000-0000-4000-8000-0000000000ee' })).rejects.toBeInstanceOf(
      UnknownSearchError,
    );
  });

  it('loses nothing when it dies between saving a step and publishing it: resume requests the unpublished trials again', async () => {
    const { store, bus, loop } = setup();
    await loop.start(searchRequest());
    const [t0, t1] = bus.of(Topics.searchTrialRequested) as [SearchTrialRequestedV1, SearchTrialRequestedV1];
    await store.markTrialStarted(SEARCH, t1.trialId, 0);
    bus.failNext = 1;
    await expect(loop.answer(answer(t0, 0.5))).rejects.toThrow('Kafka is down');
    expect(bus.of(Topics.searchTrialRequested)).toHaveLength(2); // trial 2 saved, never published

    // A new controller process: trial 2 (no worker started it) is requested; trial 1 (started) is not.
    const restarted = new SearchControllerLoop({ store, engines: scriptedEngines, bus, logger: quiet, clock: () => 2_000 });
    bus.clear();
    expect(await restarted.resume()).toBe(1);
    const again = bus.of(Topics.searchTrialRequested);
    expect(again.map((t) => t.sequence)).toEqual([2]);

    // The redelivered answer is not counted again; the search finishes with each trial once.
    await restarted.answer(answer(t0, 0.5));
    await restarted.answer(answer(t1, 0.6));
    await restarted.answer(answer(again[0] as SearchTrialRequestedV1, 0.4));
    expect(bus.of(Topics.searchCompleted)).toEqual([
      expect.objectContaining({ status: 'completed', requested: 3, completed: 3, failed: 0 }),
    ]);
  });

  it('cancels: the search ends at once, nothing new is requested, a late answer is recorded but not counted', async () => {
    const { store, bus, loop } = setup();
    await loop.start(searchRequest());
    const [t0] = bus.of(Topics.searchTrialRequested) as [SearchTrialRequestedV1];
    const cancel = {
      eventId: '00000000-0000-4000-8000-000000000002',
      occurredAt: '2026-12-07T10:02:00.000+00:00',
      searchId: SEARCH,
      requestedBy: 'bob',
      reason: 'enough',
    };
    await loop.cancel(cancel);
    expect(bus.of(Topics.searchCompleted)).toEqual([
      expect.objectContaining({ status: 'cancelled', stopReason: 'cancelled by bob: enough' }),
    ]);
    bus.clear();
    await loop.answer(answer(t0, 0.5));
    await loop.cancel(cancel);
    expect(bus.published).toEqual([]);
    expect(store.searches.get(SEARCH)?.snapshot.progress.completed).toBe(0);
    expect(store.trialRows(SEARCH)[0]?.status).toBe('completed');
    await expect(loop.cancel({ ...cancel, searchId: '00000000-0000-4000-8000-0000000000ee' })).rejects.toBeInstanceOf(UnknownSearchError);
  });

  it('records a search whose base spec is invalid as failed, with why', async () => {
    const { store, bus, loop } = setup();
    await loop.start(searchRequest({ base: { spec: { name: 'nothing' }, modelVersionId: null } }));
    expect(store.searches.get(SEARCH)?.status).toBe('failed');
    const [end] = bus.of(Topics.searchCompleted);
    expect(end?.status).toBe('failed');
    expect(end?.stopReason).toMatch(/^the search could not start: base spec is invalid: /);
    expect(bus.of(Topics.searchTrialRequested)).toEqual([]);
  });

  it('ticks: each running search announces its progress', async () => {
    const { bus, loop } = setup();
    await loop.start(searchRequest());
    bus.clear();
    await loop.tick();
    expect(bus.of(Topics.searchProgress)).toEqual([expect.objectContaining({ searchId: SEARCH, inFlight: 2 })]);
    expect(bus.of(Topics.searchTrialRequested)).toEqual([]);
  });
});
