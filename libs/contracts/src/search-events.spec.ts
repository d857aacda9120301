import { findTopic, Topics } from './index';

const base = { eventId: '00000000-0000-4000-8000-000000000001', occurredAt: '2026-12-07T10:00:00.000+00:00' };
const searchId = '00000000-0000-4000-8000-0000000000a1';
const trialId = '00000000-0000-4000-8000-0000000000b1';
const objective = { targetMs: 5, alpha: -0.07, beta: -0.07, servingBatch: 4, servingThreads: 1 };

const requested = {
  ...base,
  searchId,
  lineId: 'pcb-1',
  name: 'pcb fast',
  controller: 'evolution',
  seed: 1,
  dataSource: 'synthetic:pcb',
  base: { spec: { name: 'base' }, modelVersionId: null },
  objective,
  budget: { maxTrials: 8 },
  rungs: [
    { rung: 0, epochs: 1, trainImages: 16, cropsPerImage: 1 },
    { rung: 1, epochs: 2, trainImages: 16, cropsPerImage: 1 },
  ],
  eta: 3,
  maxInFlight: 2,
  requestedBy: 'alice',
};

describe('architecture search events', () => {
  it('keys a search’s own events by its id and trial requests by trial', () => {
    expect(findTopic('search.run.requested.v1')).toBe(Topics.searchRequested);
    expect(Topics.searchRequested.keyOf(Topics.searchRequested.schema.parse(requested))).toBe(searchId);
    const trial = {
      ...base,
      searchId,
      trialId,
      sequence: 0,
      controller: 'random',
      rung: 0,
      budget: requested.rungs[0],
      choices: [0, 1, 2],
      spec: { name: 'x' },
      seed: 1,
      dataSource: 'synthetic:pcb',
      objective,
    };
    expect(Topics.searchTrialRequested.keyOf(Topics.searchTrialRequested.schema.parse(trial))).toBe(trialId);
  });

  it('refuses a search without a budget, with rungs out of order or an η below 2', () => {
    const schema = Topics.searchRequested.schema;
    expect(schema.safeParse({ ...requested, budget: {} }).success).toBe(false);
    expect(schema.safeParse({ ...requested, rungs: [...requested.rungs].reverse() }).success).toBe(false);
    expect(schema.safeParse({ ...requested, eta: 1 }).success).toBe(false);
    expect(schema.safeParse({ ...requested, controller: 'bayes' }).success).toBe(false);
  });

  it('answers a trial measured or failed with why, nothing in between', () => {
    const schema = Topics.searchTrialCompleted.schema;
    const answer = { ...base, searchId, trialId, rung: 0, workerId: 'w1' };
    const measurement = { ap: 0.5, latencyMs: 3, latencySource: 'measured', params: 10, macs: 100, trainSeconds: 1, evalSeconds: 1 };
    expect(schema.safeParse({ ...answer, outcome: 'completed', measurement }).success).toBe(true);
    expect(schema.safeParse({ ...answer, outcome: 'failed', reason: 'NaN loss' }).success).toBe(true);
    expect(schema.safeParse({ ...answer, outcome: 'failed' }).success).toBe(false);
    expect(schema.safeParse({ ...answer, outcome: 'completed', measurement: { ...measurement, ap: 1.5 } }).success).toBe(false);
  });
});
