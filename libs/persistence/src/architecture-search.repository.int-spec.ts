import { ArchitectureSearchRepository, type ArchitectureSearchSnapshot } from './architecture-search.repository';
import { databaseConfigFromEnv } from './database.config';
import { runMigrations } from './migrations.runner';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.helper';

const SEARCH = '00000000-0000-4000-8000-0000000000a1';
const TRIAL = '00000000-0000-4000-8000-0000000000b1';

const running: ArchitectureSearchSnapshot = {
  status: 'running',
  engineState: { step: 1 },
  front: [],
  progress: {
    requested: 1,
    completed: 0,
    failed: 0,
    inFlight: 1,
    bestAp: null,
    bestLatencyMs: null,
    frontSize: 0,
    elapsedSeconds: 0,
    stopReason: null,
  },
};

/** Against the Postgres that `infra/local/infra.sh up` starts; this file gets its own database. */
describe('architecture searches against Postgres', () => {
  let db: ThrowawayDatabase;
  let searches: ArchitectureSearchRepository;

  beforeAll(async () => {
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env));
    await runMigrations(db.dataSource);
    searches = new ArchitectureSearchRepository(db.dataSource);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('records a search once, its trials once per rung, and an outcome once', async () => {
    const search = {
      id: SEARCH,
      lineId: 'pcb-1',
      name: 'fast',
      controller: 'evolution' as const,
      settings: { seed: 1 },
      requestedBy: 'alice',
    };
    expect(await searches.create(search, running)).toBe(true);
    expect(await searches.create(search, running)).toBe(false);
    const trial = {
      searchId: SEARCH,
      trialId: TRIAL,
      rung: 0,
      sequence: 0,
      controller: 'evolution' as const,
      choices: [1, 2],
      spec: { name: 'x' },
    };
    await searches.addTrials([trial, trial]);
    expect(await searches.trialView(SEARCH, TRIAL, 0)).toEqual({ searchStatus: 'running', trialStatus: 'requested' });
    expect(await searches.trialView(SEARCH, TRIAL, 1)).toEqual({ searchStatus: 'running', trialStatus: null });
    expect(await searches.trialView(TRIAL, TRIAL, 0)).toBeNull();

    expect(await searches.markTrialStarted(SEARCH, TRIAL, 0, 'w1')).toBe(1);
    expect(await searches.markTrialStarted(SEARCH, TRIAL, 0, 'w2')).toBe(2);
    const outcome = {
      status: 'completed' as const,
      workerId: 'w2',
      ap: 0.5,
      latencyMs: 3,
      latencySource: 'measured' as const,
      params: 1234,
      macs: 5678,
      trainSeconds: 1,
      evalSeconds: 0.5,
      reward: 0.45,
    };
    const locked = await searches.inTransaction(async (tx) => {
      const found = await tx.findForUpdate(SEARCH);
      expect(await tx.recordTrialOutcome(SEARCH, TRIAL, 0, outcome)).toBe(true);
      expect(await tx.recordTrialOutcome(SEARCH, TRIAL, 0, { status: 'failed', workerId: 'w1', reason: 'late' })).toBe(false);
      await tx.saveSnapshot(SEARCH, {
        ...running,
        status: 'completed',
        engineState: { step: 2 },
        front: [{ trialId: TRIAL, ap: 0.5 }],
        progress: {
          ...running.progress,
          completed: 1,
          inFlight: 0,
          bestAp: 0.5,
          bestLatencyMs: 3,
          frontSize: 1,
          stopReason: 'budget spent',
        },
      });
      return found;
    });
    expect(locked?.engineState).toEqual({ step: 1 });
    expect(await searches.markTrialStarted(SEARCH, TRIAL, 0, 'w3')).toBe(0);

    const stored = await searches.find(SEARCH);
    expect(stored).toMatchObject({ status: 'completed', engineState: { step: 2 }, completed: 1, bestAp: 0.5, stopReason: 'budget spent' });
    expect(stored?.finishedAt).toBeInstanceOf(Date);
    expect(await searches.runningSearchIds()).toEqual([]);
    expect((await searches.list({ lineId: 'pcb-1' })).map((s) => s.id)).toEqual([SEARCH]);
    const [point] = await searches.points(SEARCH);
    expect(point).toMatchObject({ trialId: TRIAL, status: 'completed', ap: 0.5, params: 1234, attempts: 2, workerId: 'w2', reward: 0.45 });
    expect(await searches.trials(SEARCH)).toHaveLength(1);
  });
});
