import { randomUUID } from 'node:crypto';
import { Topics } from '@argus/contracts';
import { ArchitectureSearchRepository, AuditLogRepository } from '@argus/persistence';
import { waitFor } from '@argus/platform/testing';
import { ConsoleApiHarness } from '../testing/console-api.harness';

const spec = {
  name: 'nas',
  input: { width: 320, height: 320, channels: 1 },
  template: 'stack-difference',
  backbone: {
    stages: [
      { width: 16, depth: 0 },
      { width: 32, depth: 1 },
    ],
  },
  neck: { type: 'fpn-lite', width: 32 },
  head: { strides: [4], depth: 1, width: 32 },
  classes: ['open'],
};

/** The searches API on infra/local's Kafka and a throw-away Postgres, with the tables architecture-search writes. */
describe('console: architecture searches on Postgres and Kafka', () => {
  jest.setTimeout(120_000);
  const h = new ConsoleApiHarness();
  let lineId: string;
  const searchId = randomUUID();
  const [t1, t2, t3] = [randomUUID(), randomUUID(), randomUUID()];

  beforeAll(async () => {
    await h.start();
    await h.signInEveryone();
    lineId = await h.line('nas', ['cam-a']);
    const production = await h.model('deeppcb', '1', ['open'], {
      data: 'deeppcb',
      split: 'validation',
      imageCount: 10,
      map50: 0.96,
      map: 0.6,
      perClass: [],
    });
    await h.promotions().promote(lineId, production.id, 'bootstrap', 'initial production model');

    const searches = new ArchitectureSearchRepository(h.database.dataSource);
    await searches.create(
      {
        id: searchId,
        lineId,
        name: 'first',
        controller: 'evolution',
        settings: { dataSource: 'synthetic:pcb', budget: { maxTrials: 40 } },
        requestedBy: 'ml',
      },
      {
        status: 'running',
        engineState: {},
        front: [],
        progress: {
          requested: 3,
          completed: 2,
          failed: 0,
          inFlight: 1,
          bestAp: 0.8,
          bestLatencyMs: 5,
          frontSize: 2,
          elapsedSeconds: 720,
          stopReason: null,
        },
      },
    );
    await searches.addTrials(
      [t1, t2, t3].map((trialId, sequence) => ({
        searchId,
        trialId,
        rung: 0,
        sequence,
        controller: 'evolution' as const,
        choices: [sequence],
        spec,
      })),
    );
    const done = (ap: number, latencyMs: number) => ({
      status: 'completed' as const,
      workerId: 'w1',
      ap,
      latencyMs,
      latencySource: 'paired-ratio' as const,
      params: 1000,
      macs: 2000,
      trainSeconds: 1,
      evalSeconds: 1,
      reward: ap,
    });
    await searches.recordTrialOutcome(searchId, t1, 0, done(0.8, 5));
    await searches.recordTrialOutcome(searchId, t2, 0, done(0.4, 6));
  });
  afterAll(async () => {
    await h.stop();
  });

  it('lets everyone read the list and a search: its points, the front and the production model', async () => {
    const list = await h.request('operator', 'GET', '/api/v1/searches');
    expect(list.status).toBe(200);
    expect(list.body.items.find((s: { id: string }) => s.id === searchId)).toMatchObject({
      lineId,
      status: 'running',
      progress: { completed: 2, best: { ap: 0.8, latencyMs: 5 }, trialsPerHour: 10, budget: { maxTrials: 40, maxWallSeconds: null } },
    });
    const detail = await h.request('operator', 'GET', `/api/v1/searches/${searchId}`);
    expect(detail.status).toBe(200);
    expect(detail.body.points.map((p: { trialId: string; onFront: boolean }) => [p.trialId, p.onFront])).toEqual([
      [t1, true],
      [t2, false],
    ]);
    expect(detail.body.front.map((p: { trialId: string }) => p.trialId)).toEqual([t1]);
    expect(detail.body.production).toMatchObject({ ap: 0.96, apMetric: 'map50', latencyMs: null, latencySource: null });
    expect((await h.request('operator', 'GET', `/api/v1/searches/${randomUUID()}`)).status).toBe(404);
  });

  it('refuses an operator any action, and a bad start naming its fields', async () => {
    expect((await h.request('operator', 'POST', `/api/v1/searches/${searchId}/trials/${t1}/train`, {})).status).toBe(403);
    expect((await h.request('operator', 'POST', `/api/v1/searches/${searchId}/cancel`, {})).status).toBe(403);
    const bad = await h.request('ml-engineer', 'POST', '/api/v1/searches', { lineId, name: 'x', controller: 'grid', eta: 1 });
    expect(bad.status).toBe(400);
    const text = JSON.stringify(bad.body);
    for (const field of ['controller', 'eta', 'dataSource', 'objective', 'budget', 'rungs']) expect(text).toContain(field);
  });

  it('starts a search on the production model: search.run.requested.v1 on Kafka, audited', async () => {
    const seen = await h.collect(Topics.searchRequested, (m) => m.lineId === lineId);
    const started = await h.request('ml-engineer', 'POST', '/api/v1/searches', {
      lineId,
      name: 'second',
      controller: 'ppo',
      dataSource: 'synthetic:pcb',
      objective: { targetMs: 5, alpha: 0, beta: -0.5, servingBatch: 8, servingThreads: 2 },
      budget: { maxTrials: 20 },
      rungs: [{ rung: 0, epochs: 1, trainImages: 32, cropsPerImage: 1 }],
      eta: 3,
      maxInFlight: 2,
    });
    expect(started.status).toBe(202);
    await waitFor('the search request on Kafka', () => seen.some((m) => m.searchId === started.body.searchId), 30_000);
    expect(seen.find((m) => m.searchId === started.body.searchId)).toMatchObject({ seed: 1, controller: 'ppo', base: { spec: {} } });
    const audit = await new AuditLogRepository(h.database.dataSource).list({
      action: 'search.start-requested',
      subjectId: started.body.searchId,
    });
    expect(audit.items).toHaveLength(1);
  });

  it('trains a measured trial fully (search.training.requested.v1, audited); an unmeasured one answers 409', async () => {
    const seen = await h.collect(Topics.searchTrainingRequested, (m) => m.searchId === searchId);
    const asked = await h.request('ml-engineer', 'POST', `/api/v1/searches/${searchId}/trials/${t1}/train`, { epochs: 3 });
    expect(asked.status).toBe(202);
    await waitFor('the training request on Kafka', () => seen.some((m) => m.requestId === asked.body.requestId), 30_000);
    expect(seen.find((m) => m.requestId === asked.body.requestId)).toMatchObject({
      trialId: t1,
      controller: 'evolution',
      lineId,
      dataSource: 'synthetic:pcb',
      epochs: 3,
      spec: { name: 'nas' },
    });
    expect((await h.request('ml-engineer', 'POST', `/api/v1/searches/${searchId}/trials/${t3}/train`, {})).status).toBe(409);
    expect((await h.request('ml-engineer', 'POST', `/api/v1/searches/${searchId}/trials/${t1}/train`, { epochs: 0 })).status).toBe(400);
    const audit = await new AuditLogRepository(h.database.dataSource).list({ action: 'search.training-requested', subjectId: searchId });
    expect(audit.items).toHaveLength(1);
  });

  it('cancels a running search (search.run.cancel-requested.v1)', async () => {
    const seen = await h.collect(Topics.searchCancelRequested, (m) => m.searchId === searchId);
    const cancelled = await h.request('admin', 'POST', `/api/v1/searches/${searchId}/cancel`, { reason: 'enough for today' });
    expect(cancelled.status).toBe(202);
    await waitFor('the cancel request on Kafka', () => seen.some((m) => m.reason === 'enough for today'), 30_000);
  });
});
