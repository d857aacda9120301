import { defaultSpec } from '@argus/vision';
import { SearchError } from '../search.errors';
import type { TrialRequest, TrialResult } from '../search.types';
import { SearchEngine, trialIdFor, type SearchEngineSettings } from './search.engine';

const base = defaultSpec('pcb');

const settings = (overrides: Partial<SearchEngineSettings> = {}): SearchEngineSettings => ({
  searchId: 'search-1',
  controller: 'evolution',
  seed: 7,
  base,
  objective: { targetMs: 10, alpha: -0.07, beta: -0.5, servingBatch: 1, servingThreads: 2 },
  budget: { maxTrials: 12 },
  rungs: [{ rung: 0, epochs: 1, trainImages: 20, cropsPerImage: 2 }],
  eta: 3,
  maxInFlight: 2,
  controllerOptions: { evolution: { populationSize: 4, sampleSize: 2 }, ppo: { batchSize: 4 } },
  ...overrides,
});

/** A deterministic stand-in for a trial worker: AP and latency from the spec, more AP at higher rungs. */
function evaluate(request: TrialRequest, workerId = 'w1'): TrialResult {
  const widths = request.spec.backbone.stages.reduce((sum, stage) => sum + stage.width * (1 + stage.depth), 0);
  const ap = Math.min(0.99, 0.3 + widths / 1500 + request.choices.reduce((a, c) => a + c, 0) / 400 + request.rung * 0.02);
  const latencyMs = 1 + widths / 50 + (request.spec.input.height / 320) * 2;
  return {
    searchId: request.searchId,
    trialId: request.trialId,
    rung: request.rung,
    workerId,
    outcome: 'completed',
    measurement: { ap, latencyMs, latencySource: 'measured', params: widths * 100, macs: widths * 1e4, trainSeconds: 1, evalSeconds: 1 },
  };
}

/**
 * Drives an engine like the service would: results come back oldest-but-one first (out of order),
 * one per step, 1 s apart. Returns every request issued.
 */
function drive(engine: SearchEngine, steps: number, start = { now: 0 }): TrialRequest[] {
  const issued: TrialRequest[] = [];
  const pending: TrialRequest[] = [...engine.inFlight()];
  const fresh = engine.next(start.now);
  issued.push(...fresh);
  pending.push(...fresh);
  for (let i = 0; i < steps && pending.length > 0; i++) {
    start.now += 1000;
    const request = pending.splice(pending.length > 1 ? 1 : 0, 1)[0] as TrialRequest;
    expect(engine.record(evaluate(request), start.now)).toEqual({ counted: true });
    const next = engine.next(start.now);
    issued.push(...next);
    pending.push(...next);
  }
  return issued;
}

describe('SearchEngine', () => {
  it('issues the same requests for the same seed, different ones for another', () => {
    const a = drive(SearchEngine.create(settings()), 30);
    const b = drive(SearchEngine.create(settings()), 30);
    expect(a).toEqual(b);
    expect(a.map((r) => r.trialId)).toEqual(a.map((r) => trialIdFor('search-1', r.sequence)));
    expect(drive(SearchEngine.create(settings({ seed: 8 })), 30)).not.toEqual(a);
    for (const controller of ['ppo', 'random'] as const) {
      expect(drive(SearchEngine.create(settings({ controller })), 30)).toEqual(drive(SearchEngine.create(settings({ controller })), 30));
    }
  });

  it('builds requests a worker can run: a checked spec, the rung’s budget, a stable seed and UUID', () => {
    const [request] = SearchEngine.create(settings()).next(0);
    expect(request).toMatchObject({ searchId: 'search-1', sequence: 0, controller: 'evolution', rung: 0, budget: settings().rungs[0] });
    expect(request?.trialId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(request?.spec.classes).toEqual(base.classes);
    expect(request?.spec.name.startsWith(`${base.name}-`)).toBe(true);
    expect(Number.isInteger(request?.seed)).toBe(true);
    expect(trialIdFor('search-1', 0)).not.toBe(trialIdFor('search-1', 1));
    expect(trialIdFor('search-2', 0)).not.toBe(trialIdFor('search-1', 0));
  });

  it.each(['evolution', 'ppo', 'random'] as const)(
    '%s: restored from its JSON state mid-search, continues exactly as the original',
    (controller) => {
      const s = settings({
        controller,
        budget: { maxTrials: 16 },
        rungs: [
          { rung: 0, epochs: 1, trainImages: 20, cropsPerImage: 2 },
          { rung: 1, epochs: 3, trainImages: 20, cropsPerImage: 2 },
        ],
        eta: 2,
      });
      const original = SearchEngine.create(s);
      const clock = { now: 0 };
      drive(original, 9, clock);
      const restored = SearchEngine.restore(s, JSON.parse(JSON.stringify(original.state())));
      expect(restored.inFlight()).toEqual(original.inFlight());
      const rest = drive(original, 100, { ...clock });
      expect(drive(restored, 100, { ...clock })).toEqual(rest);
      expect(restored.state()).toEqual(original.state());
      expect(restored.done).toBe(true);
      expect(restored.points()).toEqual(original.points());
    },
  );

  it('counts a result once: duplicates, unknown trials, other searches and unrequested rungs change nothing', () => {
    const engine = SearchEngine.create(settings());
    const [first] = engine.next(0);
    if (!first) throw new Error('no request');
    const result = evaluate(first);
    expect(engine.record(result, 1000)).toEqual({ counted: true });
    const state = JSON.stringify(engine.state());
    expect(engine.record(result, 1000)).toEqual({ counted: false });
    expect(engine.record({ ...result, workerId: 'w2' }, 1000)).toEqual({ counted: false });
    expect(engine.record({ ...result, trialId: trialIdFor('search-1', 99) }, 1000)).toEqual({ counted: false });
    expect(engine.record({ ...result, searchId: 'search-2' }, 1000)).toEqual({ counted: false });
    expect(engine.record({ ...result, rung: 1 }, 1000)).toEqual({ counted: false });
    expect(JSON.stringify(engine.state())).toBe(state);
    expect(engine.progress(1000)).toMatchObject({ requested: 2, completed: 1, failed: 0, inFlight: 1 });
  });

  it('refuses a measurement it cannot score, changing nothing (the caller dead-letters it)', () => {
    const engine = SearchEngine.create(settings());
    const [first] = engine.next(0);
    if (!first) throw new Error('no request');
    const good = evaluate(first);
    if (good.outcome !== 'completed') throw new Error('expected a completed result');
    const state = JSON.stringify(engine.state());
    expect(() => engine.record({ ...good, measurement: { ...good.measurement, latencyMs: -1 } }, 0)).toThrow(SearchError);
    expect(JSON.stringify(engine.state())).toBe(state);
    expect(engine.record(good, 0)).toEqual({ counted: true });
  });

  it('scores a failed trial 0, counts it as failed and gives the controller that reward', () => {
    const engine = SearchEngine.create(settings({ controller: 'evolution' }));
    const [first] = engine.next(0);
    if (!first) throw new Error('no request');
    expect(
      engine.record(
        { searchId: first.searchId, trialId: first.trialId, rung: 0, workerId: 'w1', outcome: 'failed', reason: 'out of memory' },
        10,
      ),
    ).toEqual({ counted: true });
    expect(engine.progress(10)).toMatchObject({ completed: 0, failed: 1, best: null, frontSize: 0 });
    expect(engine.points()).toEqual([]);
    expect((engine.state().controller as { population: { reward: number }[] }).population).toEqual([{ choices: first.choices, reward: 0 }]);
  });

  it('stops proposing at the trial budget, and is done once the last result is in', () => {
    const engine = SearchEngine.create(settings({ budget: { maxTrials: 5 }, maxInFlight: 3 }));
    const issued = drive(engine, 100);
    expect(issued.map((r) => r.sequence)).toEqual([0, 1, 2, 3, 4]);
    expect(engine.done).toBe(true);
    const progress = engine.progress(1e6);
    expect(progress).toMatchObject({ requested: 5, completed: 5, inFlight: 0, done: true, stopReason: 'trial budget spent (5 trials)' });
    expect(progress.best?.reward).toBe(Math.max(...engine.points().map((p) => p.reward)));
    expect(progress.frontSize).toBe(engine.front().length);
    expect(engine.next(1e6)).toEqual([]);
  });

  it('stops proposing at the wall-time budget, counting at most maxGapSeconds of any gap between calls', () => {
    const engine = SearchEngine.create(settings({ budget: { maxWallSeconds: 10 }, maxGapSeconds: 2, maxInFlight: 1 }));
    let [request] = engine.next(0);
    // Stopped overnight: a 10-hour gap counts 2 s.
    engine.record(evaluate(request as TrialRequest), 10 * 3_600_000);
    expect(engine.progress(10 * 3_600_000).elapsedSeconds).toBe(2);
    let now = 10 * 3_600_000;
    const issued: TrialRequest[] = [];
    for (;;) {
      [request] = engine.next(now);
      if (!request) break;
      issued.push(request);
      now += 1500;
      engine.record(evaluate(request), now);
    }
    // 2 s, then 1.5 s per trial: the budget of 10 s is reached after the sixth trial.
    expect(issued).toHaveLength(6);
    expect(engine.progress(now)).toMatchObject({
      elapsedSeconds: 11,
      requested: 7,
      done: true,
      stopReason: 'wall-time budget spent (10 s)',
    });
    expect(engine.progress(now).trialsPerHour).toBeCloseTo(7 / (11 / 3600), 6);
  });

  it('cancel: nothing more is issued and the search is done; late results are still recorded', () => {
    const engine = SearchEngine.create(settings());
    const requests = engine.next(0);
    engine.cancel('operator asked');
    expect(engine.done).toBe(true);
    expect(engine.next(1)).toEqual([]);
    expect(engine.record(evaluate(requests[0] as TrialRequest), 2)).toEqual({ counted: true });
    expect(engine.next(3)).toEqual([]);
    expect(engine.progress(3)).toMatchObject({ done: true, stopReason: 'cancelled: operator asked', completed: 1, inFlight: 1 });
  });

  it('promotes with successive halving before proposing, keeping the trial id, and reports each trial at its highest rung', () => {
    const rungs = [
      { rung: 0, epochs: 1, trainImages: 20, cropsPerImage: 2 },
      { rung: 1, epochs: 2, trainImages: 20, cropsPerImage: 2 },
      { rung: 2, epochs: 4, trainImages: 20, cropsPerImage: 2 },
    ];
    const engine = SearchEngine.create(settings({ controller: 'random', rungs, eta: 2, budget: { maxTrials: 8 }, maxInFlight: 1 }));
    const issued = drive(engine, 100);
    const rung0 = issued.filter((r) => r.rung === 0);
    expect(rung0).toHaveLength(8);
    // With one worker the second rung-0 result makes the better of the two due for rung 1 at once.
    expect(issued[2]?.rung).toBe(1);
    expect(rung0.map((r) => r.trialId)).toContain(issued[2]?.trialId);
    expect(issued.filter((r) => r.rung === 1).length).toBe(4);
    expect(issued.filter((r) => r.rung === 2).length).toBe(2);
    for (const r of issued) expect(r.budget).toEqual(rungs[r.rung]);
    const points = engine.points();
    expect(points).toHaveLength(8);
    expect(points.filter((p) => p.rung === 2)).toHaveLength(2);
    expect(engine.done).toBe(true);
  });

  it('answers a proposal of an architecture already measured from its known reward instead of training it again', () => {
    // A population of one walks the space one mutation at a time and now and then steps back.
    const engine = SearchEngine.create(
      settings({ controllerOptions: { evolution: { populationSize: 1, sampleSize: 1 } }, budget: { maxTrials: 150 }, maxInFlight: 1 }),
    );
    drive(engine, 1000);
    expect(engine.knownProposals).toBeGreaterThan(0);
    const keys = engine.trials().map((t) => JSON.stringify({ ...t.spec, name: '' }));
    expect(new Set(keys).size).toBe(keys.length);
    expect(engine.progress(0).requested).toBe(150);
  });

  it('lists trials with their specs and results, and computes the front’s hypervolume', () => {
    const engine = SearchEngine.create(settings());
    drive(engine, 100);
    const trial = engine.trial(trialIdFor('search-1', 3));
    expect(trial?.sequence).toBe(3);
    expect(trial?.results[0]?.outcome).toBe('completed');
    expect(engine.trial('nope')).toBeNull();
    const ref = { apRef: 0, latencyRefMs: 100 };
    expect(engine.hypervolume(ref)).toBeGreaterThan(0);
    expect(engine.hypervolume(ref)).toBeCloseTo(
      engine.front().reduce((a, p, i, front) => a + ((front[i + 1]?.latencyMs ?? 100) - p.latencyMs) * p.ap, 0),
      9,
    );
  });

  it('refuses settings it cannot run and a state that is not its own', () => {
    expect(() => SearchEngine.create(settings({ budget: {} }))).toThrow(/budget needs maxTrials or maxWallSeconds/);
    expect(() => SearchEngine.create(settings({ eta: 1, maxInFlight: 0 }))).toThrow(
      /eta must be a number above 1.*maxInFlight must be a positive integer/,
    );
    expect(() => SearchEngine.create(settings({ base: { ...base, classes: [] } }))).toThrow(/base classes needs at least one class/);
    const state = SearchEngine.create(settings()).state();
    expect(() => SearchEngine.restore(settings({ searchId: 'other' }), state)).toThrow(/belongs to search search-1/);
    expect(() => SearchEngine.restore(settings({ controller: 'ppo' }), state)).toThrow(/holds a evolution controller/);
    expect(() => SearchEngine.restore(settings(), { ...state, trials: 'x' })).toThrow(/not a search engine's state/);
  });
});
