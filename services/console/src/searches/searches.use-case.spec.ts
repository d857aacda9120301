import { Topics } from '@argus/contracts';
import { DomainError } from '@argus/platform';
import type { SearchRecord, TrialRecord } from './search-read.port';
import { paretoFrontOf, pointsOf, specSummaryOf } from './search-view.presenter';
import { SearchesUseCase, type StartSearchCommand } from './searches.use-case';

const SEARCH = '00000000-0000-4000-8000-0000000000b1';
const PROD = '00000000-0000-4000-8000-0000000000c1';
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

const search: SearchRecord = {
  id: SEARCH,
  lineId: 'pcb-1',
  name: 'first',
  controller: 'evolution',
  status: 'running',
  settings: { dataSource: 'synthetic:pcb', budget: { maxTrials: 40 } },
  requested: 6,
  completed: 4,
  failed: 1,
  bestAp: 0.8,
  bestLatencyMs: 3,
  frontSize: 2,
  elapsedSeconds: 1800,
  stopReason: null,
  requestedBy: 'ml',
  createdAt: new Date('2026-12-07T10:00:00Z'),
  updatedAt: new Date('2026-12-07T10:30:00Z'),
};

const trial = (
  trialId: string,
  sequence: number,
  rung: number,
  ap: number | null,
  latencyMs: number | null,
  status: TrialRecord['status'] = 'completed',
): TrialRecord => ({
  trialId,
  sequence,
  rung,
  controller: 'evolution',
  status,
  spec,
  ap,
  latencyMs,
  latencySource: latencyMs === null ? null : 'paired-ratio',
  reward: ap,
  params: 1000,
  macs: 2000,
  reason: status === 'failed' ? 'NaN loss' : null,
});

// t1 promoted to rung 1 (its rung-1 figures count), t2 dominated, t3 fast, t4 still running, t5 failed.
const trials = [
  trial('t1', 0, 0, 0.5, 5),
  trial('t1', 0, 1, 0.8, 5),
  trial('t2', 1, 0, 0.4, 6),
  trial('t3', 2, 0, 0.6, 2),
  trial('t4', 3, 0, null, null, 'requested'),
  trial('t5', 4, 0, null, null, 'failed'),
];

function harness(options: { search?: SearchRecord | null; production?: boolean } = {}) {
  const published: { kind: string; event: Record<string, unknown> }[] = [];
  const audited: { action: string; subjectId: string; after?: unknown }[] = [];
  const fail = () => {
    throw new Error('unexpected call');
  };
  const useCase = new SearchesUseCase({
    searches: {
      list: async () => [search],
      find: async (id) => (id === SEARCH ? (options.search === undefined ? search : options.search) : null),
      trials: async () => trials,
    },
    lines: { findLine: async (id: string) => (id === 'pcb-1' ? ({ id } as never) : null) },
    registry: {
      productionModelFor: async () =>
        options.production === false
          ? null
          : ({
              modelVersion: {
                id: PROD,
                name: 'deeppcb',
                version: '1',
                metrics: { deepPcbAp: 0.97, map50: 0.96 },
                spec: { name: 'deeppcb' },
              },
            } as never),
      findVersion: fail,
    },
    stats: { inferenceLatency: async () => null },
    lineage: { forSearch: async () => [] },
    audit: {
      append: async (entry) => {
        audited.push(entry as never);
        return entry as never;
      },
    },
    commands: {
      requestSearch: async (event) => void published.push({ kind: 'search', event: Topics.searchRequested.schema.parse(event) }),
      cancelSearch: async (event) => void published.push({ kind: 'cancel', event: Topics.searchCancelRequested.schema.parse(event) }),
      requestTraining: async (event) => void published.push({ kind: 'train', event: Topics.searchTrainingRequested.schema.parse(event) }),
    },
    now: () => new Date('2026-12-07T11:00:00Z'),
  });
  return { useCase, published, audited };
}

describe('searches: points and the front', () => {
  it('shows each trial once, at the highest rung it completed; running and failed trials have no point', () => {
    const points = pointsOf(trials);
    expect(points.map((p) => [p.trialId, p.rung, p.ap, p.latencyMs, p.onFront])).toEqual([
      ['t1', 1, 0.8, 5, true],
      ['t2', 0, 0.4, 6, false],
      ['t3', 0, 0.6, 2, true],
    ]);
  });

  it('keeps points nothing dominates, fastest first; exact duplicates both stay', () => {
    expect(
      paretoFrontOf([
        { id: 'a', ap: 0.5, latencyMs: 4 },
        { id: 'b', ap: 0.7, latencyMs: 8 },
        { id: 'c', ap: 0.5, latencyMs: 5 },
        { id: 'd', ap: 0.7, latencyMs: 8 },
        { id: 'e', ap: 0.3, latencyMs: 1 },
      ]),
    ).toEqual(['e', 'a', 'b', 'd']);
  });

  it("summarises a trial's spec", () => {
    expect(specSummaryOf(spec)).toEqual({
      input: '320×320×1',
      template: 'stack-difference',
      widths: [16, 32],
      depths: [0, 1],
      neck: 'fpn-lite width 32',
      head: 'strides 4, depth 1, width 32',
    });
    expect(specSummaryOf({}).input).toBe('?×?×?');
  });
});

describe('SearchesUseCase', () => {
  it('lists searches with progress: trials per hour over the running time, the budget as asked', async () => {
    const [summary] = await harness().useCase.list(50);
    expect(summary?.progress).toEqual({
      requested: 6,
      completed: 4,
      failed: 1,
      best: { ap: 0.8, latencyMs: 3 },
      frontSize: 2,
      trialsPerHour: 10,
      elapsedSeconds: 1800,
      budget: { maxTrials: 40, maxWallSeconds: null },
    });
  });

  it("details a search: points, the front fastest first, the production model's AP and 'not measured' latency", async () => {
    const detail = await harness().useCase.detail(SEARCH);
    expect(detail.front.map((p) => p.trialId)).toEqual(['t3', 't1']);
    expect(detail.production).toEqual({
      modelVersionId: PROD,
      name: 'deeppcb',
      version: '1',
      ap: 0.97,
      apMetric: 'deepPcbAp',
      latencyMs: null,
      latencySource: null,
    });
    await expect(harness().useCase.detail('00000000-0000-4000-8000-0000000000ff')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('starts a search on the production model as base: a valid search.run.requested.v1, audited', async () => {
    const h = harness();
    const command: StartSearchCommand = {
      lineId: 'pcb-1',
      name: 'second',
      controller: 'ppo',
      seed: 3,
      dataSource: 'synthetic:pcb',
      objective: { targetMs: 5, alpha: 0, beta: -0.5, servingBatch: 8, servingThreads: 2 },
      budget: { maxTrials: 20 },
      rungs: [{ rung: 0, epochs: 1, trainImages: 32, cropsPerImage: 1 }],
      eta: 3,
      maxInFlight: 2,
    };
    const started = await h.useCase.start(command, 'ml');
    expect(h.published).toHaveLength(1);
    expect(h.published[0]?.event).toMatchObject({
      searchId: started.searchId,
      base: { modelVersionId: PROD, spec: { name: 'deeppcb' } },
      requestedBy: 'ml',
    });
    expect(h.audited).toEqual([expect.objectContaining({ action: 'search.start-requested', subjectId: started.searchId })]);
    await expect(harness({ production: false }).useCase.start(command, 'ml')).rejects.toMatchObject({ code: 'conflict' });
    await expect(h.useCase.start({ ...command, lineId: 'nowhere' }, 'ml')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('cancels a running search (audited); an ended one answers conflict', async () => {
    const h = harness();
    await h.useCase.cancel(SEARCH, 'ml', 'enough');
    expect(h.published[0]).toMatchObject({ kind: 'cancel', event: { searchId: SEARCH, reason: 'enough', requestedBy: 'ml' } });
    const ended = harness({ search: { ...search, status: 'completed' } });
    await expect(ended.useCase.cancel(SEARCH, 'ml', 'x')).rejects.toBeInstanceOf(DomainError);
    expect(ended.published).toEqual([]);
  });

  it("trains a measured trial fully: its highest rung's spec, the search's data and line, the controller, audited", async () => {
    const h = harness();
    const request = await h.useCase.train(SEARCH, 't1', 'ml', 12);
    expect(h.published[0]).toMatchObject({
      kind: 'train',
      event: {
        requestId: request.requestId,
        searchId: SEARCH,
        trialId: 't1',
        controller: 'evolution',
        lineId: 'pcb-1',
        dataSource: 'synthetic:pcb',
        epochs: 12,
        spec,
      },
    });
    expect(h.audited[0]).toMatchObject({ action: 'search.training-requested', after: { trialId: 't1', rung: 1, ap: 0.8 } });
    await expect(h.useCase.train(SEARCH, 't4', 'ml', undefined)).rejects.toMatchObject({ code: 'conflict' });
    await expect(h.useCase.train(SEARCH, 'nope', 'ml', undefined)).rejects.toMatchObject({ code: 'not-found' });
    expect(h.published).toHaveLength(1);
  });
});
