/**
 * @jest-environment ./libs/vision/src/core/testing/shared-typed-arrays.jest-environment.js
 */
import { countMacs, countParams, selectTfBackend, silentVisionLogger } from '@argus/vision';
import { tinyPcbSpec } from '@argus/vision/testing';
import type { TrialRequest } from '../search.types';
import { prepareSearchData, type SearchData } from './search-data';
import { measureServingLatency, timedModelOf } from './serving-latency.meter';
import { evaluateTrial, proxyTrainerConfig } from './trial.evaluator';
import { InvalidTrialBudgetError, InvalidTrialSpecError, TrialClassesMismatchError, TrialInterruptedError } from './trial.errors';

// Real (tiny) training and ONNX Runtime timing: seconds each.
jest.setTimeout(60_000);

const SERVING = { servingBatch: 2, servingThreads: 1 };
const QUICK = { trainer: { batchSize: 4 }, latencyTiming: { rounds: 3, minSeconds: 0.2 } };

function request(overrides: Partial<TrialRequest> = {}): TrialRequest {
  return {
    searchId: 's1',
    trialId: 't1',
    sequence: 0,
    controller: 'random',
    rung: 0,
    budget: { rung: 0, epochs: 1, trainImages: 12, cropsPerImage: 1 },
    choices: [],
    spec: tinyPcbSpec(),
    seed: 3,
    ...overrides,
  };
}

describe('evaluateTrial', () => {
  let data: SearchData;
  beforeAll(async () => {
    await selectTfBackend({ env: { ARGUS_TF_BACKEND: 'wasm' }, logger: silentVisionLogger });
    data = await prepareSearchData({
      source: { kind: 'synthetic', feed: 'pcb' },
      syntheticCount: 20,
      syntheticValidationCount: 2,
      syntheticSize: 96,
    });
  });

  it('trains, scores AP on search-val and times the model alone without a reference', async () => {
    const m = await evaluateTrial(request(), { data, objective: SERVING, ...QUICK });
    expect(m.ap).toBeGreaterThanOrEqual(0);
    expect(m.ap).toBeLessThanOrEqual(1);
    expect(Number.isFinite(m.ap)).toBe(true);
    expect(m.latencyMs).toBeGreaterThan(0);
    expect(m.latencySource).toBe('measured');
    expect(m.params).toBe(countParams(tinyPcbSpec()));
    expect(m.macs).toBe(countMacs(tinyPcbSpec()));
    expect(m.trainSeconds).toBeGreaterThan(0);
    expect(m.evalSeconds).toBeGreaterThan(0);
  });

  it('is seeded: the same request scores the same AP', async () => {
    const [a, b] = [
      await evaluateTrial(request(), { data, objective: SERVING, ...QUICK }),
      await evaluateTrial(request(), { data, objective: SERVING, ...QUICK }),
    ];
    expect(a.ap).toBe(b.ap);
  });

  it('with a reference: the median paired ratio times the reference’s quiet latency', async () => {
    const reference = { ...timedModelOf(tinyPcbSpec(), 1), quietMs: 1000 };
    const m = await evaluateTrial(request(), { data, objective: SERVING, latencyReference: reference, ...QUICK });
    expect(m.latencySource).toBe('paired-ratio');
    // The same architecture as the reference: a ratio near 1, so near the reference's stated 1000 ms
    // (which is far from its real latency: the figure comes from the ratio, not a clock).
    expect(m.latencyMs).toBeGreaterThan(500);
    expect(m.latencyMs).toBeLessThan(2000);
    const wider = tinyPcbSpec();
    const heavy = { ...wider, head: { ...wider.head, width: 64, depth: 3 } };
    const slower = await evaluateTrial(request({ spec: heavy }), { data, objective: SERVING, latencyReference: reference, ...QUICK });
    expect(slower.latencyMs).toBeGreaterThan(m.latencyMs);
  });

  it('scores a run whose losses are NaN AP 0 instead of failing', async () => {
    const m = await evaluateTrial(request(), {
      data,
      objective: SERVING,
      ...QUICK,
      trainer: { batchSize: 4, lossWeights: { objectness: Number.NaN, classification: 1, box: 1 } },
    });
    expect(m.ap).toBe(0);
    expect(m.latencyMs).toBeGreaterThan(0);
  });

  it('stops when asked, with TrialInterruptedError', async () => {
    await expect(evaluateTrial(request(), { data, objective: SERVING, ...QUICK, shouldStop: () => true })).rejects.toBeInstanceOf(
      TrialInterruptedError,
    );
  });

  it('rejects an invalid spec, budget or class list with the reason', async () => {
    const bad = { ...tinyPcbSpec(), backbone: { stages: [] } } as unknown as TrialRequest['spec'];
    await expect(evaluateTrial(request({ spec: bad }), { data, objective: SERVING })).rejects.toBeInstanceOf(InvalidTrialSpecError);
    await expect(evaluateTrial(request({ spec: bad }), { data, objective: SERVING })).rejects.toThrow(/backbone/);
    await expect(
      evaluateTrial(request({ budget: { rung: 0, epochs: 0, trainImages: 4, cropsPerImage: 1 } }), { data, objective: SERVING }),
    ).rejects.toBeInstanceOf(InvalidTrialBudgetError);
    await expect(evaluateTrial(request({ spec: tinyPcbSpec(['cat']) }), { data, objective: SERVING })).rejects.toBeInstanceOf(
      TrialClassesMismatchError,
    );
  });

  it("trains on crops of the shipped model's side, or the whole input when it is smaller", () => {
    const big = { ...tinyPcbSpec(), input: { height: 320, width: 320, channels: 1 as const } };
    expect(proxyTrainerConfig(request(), big, data).crop).toEqual({ width: 128, height: 128 });
    expect(proxyTrainerConfig(request(), tinyPcbSpec(), data).crop).toEqual({ width: 96, height: 96 });
    expect(proxyTrainerConfig(request(), tinyPcbSpec(), data).patience).toBe(0);
  });
});

describe('measureServingLatency', () => {
  it('times a spec as served', async () => {
    const m = await measureServingLatency(tinyPcbSpec(), SERVING, { minSeconds: 0.2 });
    expect(m.msPerImage).toBeGreaterThan(0);
    expect(m.batchSize).toBe(2);
    await expect(measureServingLatency(tinyPcbSpec(), { servingBatch: 0, servingThreads: 1 })).rejects.toThrow(/servingBatch/);
  });
});
