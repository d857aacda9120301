import { Topics, type SearchTrialRequestedV1 } from '@argus/contracts';
import { TrialInterruptedError, type TrialMeasurement } from '@argus/search';
import { tinyPcbSpec } from '@argus/vision/testing';
import { UnknownSearchError, UnknownTrialError } from '../search.errors';
import { RecordingBus } from '../testing/recording.bus';
import type { TrialEvaluator, TrialLedger } from './trial-worker.ports';
import { TrialRunner } from './trial.runner';

const SEARCH = '00000000-0000-4000-8000-0000000000a1';
const TRIAL = '00000000-0000-4000-8000-0000000000b1';
const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };
const MEASURED: TrialMeasurement = {
  ap: 0.4,
  latencyMs: 3,
  latencySource: 'measured',
  params: 10,
  macs: 100,
  trainSeconds: 1,
  evalSeconds: 1,
};

const message: SearchTrialRequestedV1 = {
  eventId: '00000000-0000-4000-8000-000000000001',
  occurredAt: '2026-12-07T10:00:00.000+00:00',
  searchId: SEARCH,
  trialId: TRIAL,
  sequence: 0,
  controller: 'random',
  rung: 0,
  budget: { rung: 0, epochs: 1, trainImages: 8, cropsPerImage: 1 },
  choices: [0],
  spec: tinyPcbSpec() as unknown as Record<string, unknown>,
  seed: 1,
  dataSource: 'synthetic:pcb',
  objective: { targetMs: 5, alpha: -0.07, beta: -0.07, servingBatch: 2, servingThreads: 1 },
};

function ledger(view: Awaited<ReturnType<TrialLedger['trialView']>>): TrialLedger & { started: string[] } {
  const started: string[] = [];
  return {
    started,
    trialView: async () => view,
    markTrialStarted: async (_s, trialId, _r, workerId) => {
      started.push(`${trialId}@${workerId}`);
      return started.length;
    },
  };
}

function setup(trials: TrialLedger, evaluate: TrialEvaluator['evaluate']) {
  const bus = new RecordingBus();
  const calls: string[] = [];
  const evaluator: TrialEvaluator = {
    evaluate: async (request, data, hooks) => {
      calls.push(`${request.trialId}:${data.dataSource}`);
      return evaluate(request, data, hooks);
    },
  };
  const runner = new TrialRunner({ ledger: trials, evaluator, bus, logger: quiet }, 'w1');
  return { bus, calls, runner };
}

describe('TrialRunner', () => {
  it('marks the trial started, evaluates it on its data source and publishes the measurement', async () => {
    const trials = ledger({ searchStatus: 'running', trialStatus: 'requested' });
    const { bus, calls, runner } = setup(trials, async () => MEASURED);
    expect(await runner.handle(message)).toBe('answered');
    expect(trials.started).toEqual([`${TRIAL}@w1`]);
    expect(calls).toEqual([`${TRIAL}:synthetic:pcb`]);
    expect(bus.of(Topics.searchTrialCompleted)).toEqual([
      expect.objectContaining({ searchId: SEARCH, trialId: TRIAL, rung: 0, workerId: 'w1', outcome: 'completed', measurement: MEASURED }),
    ]);
  });

  it('answers a trial that cannot run as failed, with the reason', async () => {
    const { bus, runner } = setup(ledger({ searchStatus: 'running', trialStatus: 'requested' }), async () => {
      throw new Error('trial t: invalid architecture spec: head.width too small');
    });
    await runner.handle(message);
    expect(bus.of(Topics.searchTrialCompleted)).toEqual([
      expect.objectContaining({ outcome: 'failed', reason: 'trial t: invalid architecture spec: head.width too small' }),
    ]);
  });

  it('skips, without training, a trial whose search ended or that was answered already', async () => {
    for (const view of [
      { searchStatus: 'cancelled', trialStatus: 'requested' },
      { searchStatus: 'running', trialStatus: 'completed' },
      { searchStatus: 'running', trialStatus: 'failed' },
    ] as const) {
      const trials = ledger(view);
      const { bus, calls, runner } = setup(trials, async () => MEASURED);
      expect(await runner.handle(message)).toBe('skipped');
      expect([calls, trials.started, bus.published]).toEqual([[], [], []]);
    }
  });

  it('refuses a request for a search or a trial never recorded', async () => {
    await expect(setup(ledger(null), async () => MEASURED).runner.handle(message)).rejects.toBeInstanceOf(UnknownSearchError);
    const unknownTrial = ledger({ searchStatus: 'running', trialStatus: null });
    await expect(setup(unknownTrial, async () => MEASURED).runner.handle(message)).rejects.toBeInstanceOf(UnknownTrialError);
  });

  it('on shutdown mid-trial publishes nothing and throws, so the delivery is redelivered', async () => {
    const stopping: { runner?: TrialRunner } = {};
    const built = setup(ledger({ searchStatus: 'running', trialStatus: 'requested' }), async (_r, _d, hooks) => {
      stopping.runner?.stop();
      expect(hooks.shouldStop()).toBe(true);
      throw new Error('stopped between steps');
    });
    const runner = built.runner;
    stopping.runner = runner;
    await expect(runner.handle(message)).rejects.toBeInstanceOf(TrialInterruptedError);
    expect(built.bus.published).toEqual([]);
  });
});
