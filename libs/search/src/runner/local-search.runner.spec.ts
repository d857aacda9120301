import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { defaultSpec } from '@argus/vision';
import type { SearchEngineSettings } from '../engine/search.engine';
import type { TrialRequest, TrialResult } from '../search.types';
import { runLocalSearch, type TrialRunner } from './local-search.runner';

const settings: SearchEngineSettings = {
  searchId: 'local-1',
  controller: 'evolution',
  seed: 3,
  base: defaultSpec('pcb'),
  objective: { targetMs: 5, alpha: -0.07, beta: -0.07, servingBatch: 8, servingThreads: 2 },
  budget: { maxTrials: 10 },
  rungs: [
    { rung: 0, epochs: 1, trainImages: 10, cropsPerImage: 1 },
    { rung: 1, epochs: 3, trainImages: 10, cropsPerImage: 1 },
  ],
  eta: 3,
  maxInFlight: 2,
  controllerOptions: { evolution: { populationSize: 4, sampleSize: 2 } },
};

/** A trial runner that answers after a few milliseconds with figures derived from the spec. */
class FakeTrials implements TrialRunner {
  readonly runs: TrialRequest[] = [];
  constructor(private readonly crashAfter = Infinity) {}
  async run(request: TrialRequest): Promise<TrialResult> {
    this.runs.push(request);
    if (this.runs.length > this.crashAfter) return new Promise(() => undefined); // the process "died": never answers
    await new Promise((r) => setTimeout(r, 2 + (request.choices[0] ?? 0)));
    const width = request.spec.backbone.stages.reduce((s, stage) => s + stage.width, 0);
    return {
      searchId: request.searchId,
      trialId: request.trialId,
      rung: request.rung,
      workerId: 'fake',
      outcome: 'completed',
      measurement: {
        ap: Math.min(0.99, width / 400 + request.rung * 0.05),
        latencyMs: width / 40,
        latencySource: 'measured',
        params: width,
        macs: width,
        trainSeconds: 0,
        evalSeconds: 0,
      },
    };
  }
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'argus-local-search-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runLocalSearch', () => {
  it('runs a search to its trial budget, at most maxInFlight at once, and keeps its state in the file', async () => {
    const trials = new FakeTrials();
    let concurrent = 0;
    let most = 0;
    const counting: TrialRunner = {
      run: async (r) => {
        most = Math.max(most, ++concurrent);
        try {
          return await trials.run(r);
        } finally {
          concurrent--;
        }
      },
    };
    const stateFile = path.join(dir, 'state.json');
    const engine = await runLocalSearch({ settings, stateFile, trials: counting });
    expect(engine.done).toBe(true);
    expect(engine.progress(Date.now())).toMatchObject({ requested: 10, completed: 10, inFlight: 0 });
    expect(most).toBeLessThanOrEqual(2);
    expect(trials.runs.filter((r) => r.rung === 0)).toHaveLength(10);
    expect(trials.runs.some((r) => r.rung === 1)).toBe(true);
    const saved = JSON.parse(await readFile(stateFile, 'utf8')) as { format: string; settings: unknown };
    expect(saved).toMatchObject({ format: 'argus.search-state', settings: JSON.parse(JSON.stringify(settings)) });
  });

  it('resumes a search whose process died: the running trials are issued again with the same ids and counted once', async () => {
    const stateFile = path.join(dir, 'state.json');
    // The first process dies after 5 answers: two trials are running and never answer.
    const first = new FakeTrials(5);
    const firstRun = runLocalSearch({ settings, stateFile, trials: first });
    await new Promise((r) => setTimeout(r, 300));
    const lost = first.runs.slice(5).map((r) => `${r.trialId}@${r.rung}`);
    expect(lost.length).toBeGreaterThan(0);
    void firstRun; // never settles: its trials hang like a killed process's

    const second = new FakeTrials();
    const engine = await runLocalSearch({ settings, stateFile, trials: second });
    expect(second.runs.slice(0, lost.length).map((r) => `${r.trialId}@${r.rung}`)).toEqual(lost);
    expect(engine.done).toBe(true);
    expect(engine.progress(Date.now())).toMatchObject({ requested: 10, completed: 10, inFlight: 0 });

    expect(new Set(second.runs.map((r) => `${r.trialId}@${r.rung}`)).size).toBe(second.runs.length);
  });

  it('stops issuing when asked, lets the running trials finish and records them', async () => {
    const trials = new FakeTrials();
    const engine = await runLocalSearch({
      settings,
      stateFile: path.join(dir, 's.json'),
      trials,
      shouldStop: () => trials.runs.length >= 3,
    });
    expect(engine.done).toBe(false);
    expect(engine.progress(Date.now()).inFlight).toBe(0);
    expect(engine.progress(Date.now()).completed).toBe(trials.runs.length);
  });

  it('refuses a state file of another search or another format, naming the file', async () => {
    const stateFile = path.join(dir, 'state.json');
    await runLocalSearch({ settings: { ...settings, budget: { maxTrials: 2 } }, stateFile, trials: new FakeTrials() });
    await expect(runLocalSearch({ settings, stateFile, trials: new FakeTrials() })).rejects.toThrow(/other settings/);
    await writeFile(stateFile, '{"hello":1}');
    await expect(runLocalSearch({ settings, stateFile, trials: new FakeTrials() })).rejects.toThrow(/not an Argus search state/);
  });
});
