import * as os from 'node:os';
import { tinyPcbSpec } from '@argus/vision/testing';
import type { TrialRequest } from '../search.types';
import { LocalTrialPool, type LocalTrialPoolOptions } from './local-trial.pool';

// Real worker processes (TypeScript under swc-node, the ML libraries loaded) training tiny models:
// seconds each.
jest.setTimeout(120_000);

const OPTIONS: LocalTrialPoolOptions = {
  workers: 2,
  data: 'synthetic:pcb',
  dataOptions: { syntheticCount: 16, syntheticValidationCount: 2, syntheticSize: 96 },
  objective: { servingBatch: 2, servingThreads: 1 },
  trainer: { batchSize: 4 },
  latencyTiming: { rounds: 3, minSeconds: 0.2 },
  env: { ARGUS_TF_BACKEND: 'wasm' },
};

function request(trialId: string, overrides: Partial<TrialRequest> = {}): TrialRequest {
  return {
    searchId: 's1',
    trialId,
    sequence: 0,
    controller: 'random',
    rung: 0,
    budget: { rung: 0, epochs: 1, trainImages: 8, cropsPerImage: 1 },
    choices: [],
    spec: tinyPcbSpec(),
    seed: 1,
    ...overrides,
  };
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('LocalTrialPool', () => {
  let pool: LocalTrialPool;
  const lines: string[] = [];
  beforeAll(async () => {
    pool = await LocalTrialPool.start({ ...OPTIONS, nice: 5, log: (line) => lines.push(line) });
  });
  afterAll(() => pool.close());

  it('runs two trials on two niced workers at once, each logging its backend', async () => {
    const [a, b] = await Promise.all([pool.run(request('a')), pool.run(request('b', { seed: 2 }))]);
    expect(a.outcome).toBe('completed');
    expect(b.outcome).toBe('completed');
    expect(new Set([a.workerId, b.workerId]).size).toBe(2);
    if (a.outcome === 'completed') {
      expect(a.measurement.latencySource).toBe('measured');
      expect(a.measurement.ap).toBeGreaterThanOrEqual(0);
    }
    const nice = Math.max(5, os.getPriority());
    expect(lines.filter((l) => l.includes(`nice ${nice}, TensorFlow.js backend wasm)`))).toHaveLength(2);
  });

  it("returns a trial's error as a failed outcome with the reason", async () => {
    const bad = { ...tinyPcbSpec(), head: { ...tinyPcbSpec().head, strides: [] } } as unknown as TrialRequest['spec'];
    const result = await pool.run(request('bad', { spec: bad }));
    expect(result.outcome).toBe('failed');
    if (result.outcome === 'failed') expect(result.reason).toMatch(/invalid architecture spec/);
  });

  it('retries the trial of a worker killed with SIGKILL once on a fresh worker, then fails it with the reason', async () => {
    const pending = pool.run(request('killed-once'));
    const first = await waitFor(() => pool.status().find((w) => w.trialId === 'killed-once'));
    process.kill(first.pid as number, 'SIGKILL');
    const result = await pending;
    expect(result.outcome).toBe('completed');
    expect(result.workerId).not.toBe(first.workerId);

    const twice = pool.run(request('killed-twice'));
    const one = await waitFor(() => pool.status().find((w) => w.trialId === 'killed-twice'));
    process.kill(one.pid as number, 'SIGKILL');
    const two = await waitFor(() => pool.status().find((w) => w.trialId === 'killed-twice' && w.pid !== one.pid));
    process.kill(two.pid as number, 'SIGKILL');
    const failed = await twice;
    expect(failed.outcome).toBe('failed');
    if (failed.outcome === 'failed') expect(failed.reason).toMatch(/died \(signal SIGKILL\) on each of 2 attempts/);

    // The pool replaced its dead workers: still two, both answering.
    await waitFor(() => (pool.status().filter((w) => w.ready).length === 2 ? true : undefined));
    const after = await Promise.all([pool.run(request('c')), pool.run(request('d'))]);
    expect(after.map((r) => r.outcome)).toEqual(['completed', 'completed']);
  });
});

describe('LocalTrialPool.start', () => {
  it('fails with the reason when the workers cannot prepare the data', async () => {
    await expect(LocalTrialPool.start({ ...OPTIONS, workers: 1, data: 'deeppcb:/nonexistent/argus-search' })).rejects.toThrow(
      /could not start: .*nonexistent/,
    );
  });
});
