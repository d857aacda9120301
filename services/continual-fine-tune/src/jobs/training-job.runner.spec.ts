import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EventHeaders, type TopicContract, type TrainingJobRequestedV1 } from '@argus/contracts';
import type { MessageBus } from '@argus/messaging';
import { FilesystemObjectStore, ObjectStoreUnavailableError } from '@argus/storage';
import type { GateReport } from '@argus/registry';
import { InMemoryTrainingJobLedger } from './in-memory-training-job.ledger';
import { ObjectStoreRunFolders } from './object-store-run-folders';
import { DEFAULT_MAX_ATTEMPTS, TrainingJobRunner } from './training-job.runner';
import type { CandidateRegistrar, CandidateTrainer, TrainedCandidate, TrainerHooks } from './training-job.ports';

const JOB: TrainingJobRequestedV1 = {
  eventId: '00000000-0000-4000-8000-000000000001',
  occurredAt: '2026-12-07T10:00:00.000Z',
  jobId: '00000000-0000-4000-8000-0000000000a1',
  lineId: 'pcb-1',
  datasetVersionId: '00000000-0000-4000-8000-0000000000b1',
  datasetFingerprint: `sha256:${'a'.repeat(64)}`,
  manifestKey: 'datasets/pcb-1/1/manifest.jsonl',
  baseModelVersionId: '00000000-0000-4000-8000-0000000000c1',
  baseArtifactKey: 'models/pcb/1',
  requestedBy: 'policy',
  triggers: [{ kind: 'manual', reason: 'test' }],
  epochs: 4,
  seed: 1,
};

interface Sent {
  readonly topic: string;
  readonly message: Record<string, unknown>;
  readonly headers: Readonly<Record<string, string>>;
}

class RecordingBus {
  readonly sent: Sent[] = [];
  async publish(topic: TopicContract, message: unknown, options?: { headers?: Record<string, string> }): Promise<void> {
    this.sent.push({ topic: topic.name, message: topic.schema.parse(message) as Record<string, unknown>, headers: options?.headers ?? {} });
  }
  topics(): string[] {
    return this.sent.map((s) => s.topic);
  }
}

const PASS: GateReport = {
  passed: true,
  policy: { maxClassDropPoints: 1, minClassInstances: 10, minNewDataGainPoints: 1, maxLatencyRatio: 1.1 },
  checks: [],
  reasons: [],
};
const FAIL: GateReport = {
  ...PASS,
  passed: false,
  reasons: ['short on line holdout: AP 0.9000 → 0.8000 (−10.00 pts; at most −1 allowed)'],
};

/** A trainer that "trains" `steps` steps, writing a checkpoint file per step, resuming from the folder. */
class StepTrainer implements CandidateTrainer {
  calls = 0;
  resumedFrom: number[] = [];
  constructor(private readonly options: { crashAtStep?: number; stepMs?: number; throwError?: Error } = {}) {}
  async train(job: TrainingJobRequestedV1, runDir: string, hooks: TrainerHooks): Promise<TrainedCandidate> {
    this.calls++;
    if (this.options.throwError) throw this.options.throwError;
    const file = path.join(runDir, 'checkpoint', 'state.json');
    let step = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as { step: number }).step : 0;
    this.resumedFrom.push(step);
    while (step < job.epochs) {
      if (hooks.shouldStop()) return this.candidate(runDir, true);
      await new Promise((r) => setTimeout(r, this.options.stepMs ?? 1));
      step++;
      await writeFile(path.join(runDir, 'state.tmp'), '');
      await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(file), { recursive: true }));
      await writeFile(file, JSON.stringify({ step }));
      await hooks.onCheckpoint();
      hooks.onProgress({
        phase: 'training',
        step,
        totalSteps: job.epochs,
        losses: { total: 1 / step },
        validationAp: null,
        etaSeconds: job.epochs - step,
        message: null,
      });
      // kill -9: the worker never returns, nothing after this point happens.
      if (step === this.options.crashAtStep) return new Promise<TrainedCandidate>(() => undefined);
    }
    return this.candidate(runDir, false);
  }
  private candidate(runDir: string, stopped: boolean): TrainedCandidate {
    return { packageDir: path.join(runDir, 'package'), name: 'pcb', version: 'ft-1', classes: ['short'], usesTemplate: true, stopped };
  }
}

class CountingRegistrar implements CandidateRegistrar {
  registered = 0;
  failNext = false;
  async register() {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('S3 unavailable');
    }
    this.registered++;
    return {
      modelVersionId: '00000000-0000-4000-8000-0000000000d1',
      name: 'pcb',
      version: 'ft-1',
      artifactKey: 'models/pcb/ft-1',
      classes: ['short'],
      usesTemplate: true,
      metrics: { holdoutAp: 0.9 },
    };
  }
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error('condition not met in 2 s');
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('TrainingJobRunner', () => {
  let work: string;
  let store: FilesystemObjectStore;
  let ledger: InMemoryTrainingJobLedger;
  let bus: RecordingBus;
  let registrar: CountingRegistrar;

  beforeEach(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'argus-job-runner-'));
    store = new FilesystemObjectStore({ root: path.join(work, 'store'), bucket: 'argus' });
    await store.ensureBucket();
    ledger = new InMemoryTrainingJobLedger();
    ledger.enqueue(JOB.jobId);
    bus = new RecordingBus();
    registrar = new CountingRegistrar();
  });
  afterEach(async () => {
    await rm(work, { recursive: true, force: true });
  });

  const runner = (trainer: CandidateTrainer, gates: GateReport = PASS, worker = 'w1', progressIntervalMs = 50, onBus: RecordingBus = bus) =>
    new TrainingJobRunner(
      {
        ledger,
        runFolders: new ObjectStoreRunFolders(store),
        trainer,
        gate: { evaluate: async () => gates },
        registrar,
        bus: onBus as unknown as MessageBus,
        logger: quiet,
      },
      { workerId: worker, workRoot: path.join(work, worker), progressIntervalMs, cancelPollMs: 5 },
    );

  it('trains, gates, registers and announces one passing candidate, progress first', async () => {
    await runner(new StepTrainer()).handle(JOB);
    const topics = bus.topics();
    expect(topics.slice(-2)).toEqual(['model.version.registered.v1', 'training.job.completed.v1']);
    expect(topics.filter((t) => t === 'training.job.progress.v1').length).toBeGreaterThanOrEqual(1);
    expect(topics.indexOf('training.job.completed.v1')).toBeGreaterThan(topics.lastIndexOf('training.job.progress.v1'));
    expect(bus.sent.at(-1)!.message).toMatchObject({
      jobId: JOB.jobId,
      gatesPassed: true,
      gateReasons: [],
      candidateModelVersionId: '00000000-0000-4000-8000-0000000000d1',
    });
    expect(bus.sent.at(-2)!.message).toMatchObject({ parentVersionId: JOB.baseModelVersionId, metrics: { holdoutAp: 0.9 } });
    expect(ledger.jobs.get(JOB.jobId)).toMatchObject({ status: 'completed', attempt: 1 });
    expect(existsSync(path.join(work, 'w1', JOB.jobId))).toBe(false);
  });

  it('registers a candidate that failed its gates but does not announce it as a model version', async () => {
    await runner(new StepTrainer(), FAIL).handle(JOB);
    expect(bus.topics()).not.toContain('model.version.registered.v1');
    expect(bus.sent.at(-1)!.message).toMatchObject({ gatesPassed: false, gateReasons: FAIL.reasons });
    expect(registrar.registered).toBe(1);
  });

  it('resumes a job whose worker died from the last checkpoint saved, on another worker, and yields one candidate', async () => {
    const crashing = new StepTrainer({ crashAtStep: 2 });
    void runner(crashing, PASS, 'w1', 50, new RecordingBus()).handle(JOB);
    await until(() => crashing.resumedFrom.length === 1 && ledger.jobs.get(JOB.jobId)!.progress?.step === 2);
    // The bus redelivers the job to another worker (the first one's session expired).
    const second = new StepTrainer();
    await runner(second, PASS, 'w2').handle(JOB);
    expect(second.resumedFrom).toEqual([2]);
    expect(bus.topics().filter((t) => t === 'training.job.completed.v1')).toHaveLength(1);
    expect(ledger.jobs.get(JOB.jobId)).toMatchObject({ status: 'completed', attempt: 2, workerId: 'w2' });
    expect(registrar.registered).toBe(1);
  });

  it('announces the outcome of a job delivered again after it ended, as a repeat, without training', async () => {
    await runner(new StepTrainer()).handle(JOB);
    bus.sent.length = 0;
    const trainer = new StepTrainer();
    await runner(trainer).handle(JOB);
    expect(trainer.calls).toBe(0);
    expect(registrar.registered).toBe(1);
    expect(bus.topics()).toEqual(['model.version.registered.v1', 'training.job.completed.v1']);
    expect(bus.sent.every((s) => s.headers[EventHeaders.repeat] === 'true')).toBe(true);
  });

  it('makes a passing candidate its line’s shadow before announcing the job completed, again on a repeat; never a failing one', async () => {
    const shadowed: [string, string, boolean][] = [];
    const withShadow = (gates: GateReport) =>
      new TrainingJobRunner(
        {
          ledger,
          runFolders: new ObjectStoreRunFolders(store),
          trainer: new StepTrainer(),
          gate: { evaluate: async () => gates },
          registrar,
          shadow: {
            execute: async (job, candidateVersionId, { repeat }) => {
              // This delivery's `completed` is not out yet (only the earlier deliveries' are).
              expect(bus.topics().filter((t) => t === 'training.job.completed.v1')).toHaveLength(shadowed.length);
              shadowed.push([job.lineId, candidateVersionId, repeat]);
            },
          },
          bus: bus as unknown as MessageBus,
          logger: quiet,
        },
        { workerId: 'w1', workRoot: path.join(work, 'w1'), progressIntervalMs: 50, cancelPollMs: 5 },
      );
    await withShadow(PASS).handle(JOB);
    await withShadow(PASS).handle(JOB); // delivered again after it ended
    expect(shadowed).toEqual([
      [JOB.lineId, '00000000-0000-4000-8000-0000000000d1', false],
      [JOB.lineId, '00000000-0000-4000-8000-0000000000d1', true],
    ]);
    const failing = { ...JOB, jobId: '00000000-0000-4000-8000-0000000000f9' };
    ledger.enqueue(failing.jobId);
    await withShadow(FAIL).handle(failing);
    expect(shadowed).toHaveLength(2);
    // A new line's adapted candidate has no production model to shadow: registered, not shadowed.
    const adaptation = {
      ...JOB,
      jobId: '00000000-0000-4000-8000-0000000000f8',
      adaptation: { start: 'finetune' as const, shotFrameIds: ['00000000-0000-4000-8000-0000000000e1'], budgetSeconds: 60 },
    };
    ledger.enqueue(adaptation.jobId);
    await withShadow(PASS).handle(adaptation);
    expect(shadowed).toHaveLength(2);
    expect(bus.topics().filter((t) => t === 'model.version.registered.v1').length).toBeGreaterThan(0);
  });

  it('stops a job cancelled while it trains, with no candidate', async () => {
    const trainer = new StepTrainer({ stepMs: 20 });
    const run = runner(trainer).handle({ ...JOB, epochs: 1000 });
    setTimeout(() => ledger.requestCancel(JOB.jobId), 60);
    await run;
    expect(registrar.registered).toBe(0);
    expect(bus.sent.at(-1)).toMatchObject({
      topic: 'training.job.failed.v1',
      message: { outcome: 'cancelled', errorCode: 'job.cancelled' },
    });
    expect(ledger.jobs.get(JOB.jobId)!.status).toBe('cancelled');
  });

  it('does not start a job cancelled before it was delivered', async () => {
    ledger.requestCancel(JOB.jobId);
    const trainer = new StepTrainer();
    await runner(trainer).handle(JOB);
    expect(trainer.calls).toBe(0);
    expect(bus.sent.at(-1)!.message).toMatchObject({ outcome: 'cancelled', reason: 'cancelled before it started' });
  });

  it('ends a job whose training throws as failed, with the error’s code and message', async () => {
    const error = Object.assign(new Error('the data\'s class "Pin_hole" looks like the model\'s "pin-hole"'), { code: 'FINE_TUNE_INPUT' });
    await runner(new StepTrainer({ throwError: error })).handle(JOB);
    expect(bus.sent.at(-1)!.message).toMatchObject({
      outcome: 'failed',
      errorCode: 'FINE_TUNE_INPUT',
      reason: expect.stringContaining('Pin_hole'),
    });
    expect(ledger.jobs.get(JOB.jobId)!.status).toBe('failed');
  });

  it('throws when the object store is down while the job trains (the bus retries; the job is not failed), and fails it on its last attempt', async () => {
    const outage = new ObjectStoreUnavailableError('connect ECONNREFUSED 127.0.0.1:19000');
    await expect(runner(new StepTrainer({ throwError: outage })).handle(JOB)).rejects.toBe(outage);
    expect(ledger.jobs.get(JOB.jobId)).toMatchObject({ status: 'running', outcome: null });
    expect(bus.sent.some((s) => s.topic === 'training.job.failed.v1')).toBe(false);
    for (let attempt = 2; attempt < DEFAULT_MAX_ATTEMPTS; attempt++) {
      await expect(runner(new StepTrainer({ throwError: outage })).handle(JOB)).rejects.toBe(outage);
    }
    await runner(new StepTrainer({ throwError: outage })).handle(JOB);
    expect(ledger.jobs.get(JOB.jobId)).toMatchObject({ status: 'failed', attempt: DEFAULT_MAX_ATTEMPTS });
    expect(bus.sent.at(-1)!.message).toMatchObject({ outcome: 'failed', errorCode: 'object-store.unavailable' });
  });

  it('throws when registering fails (the bus retries the delivery), and the retry completes from the finished checkpoint', async () => {
    registrar.failNext = true;
    const first = new StepTrainer();
    await expect(runner(first).handle(JOB)).rejects.toThrow('S3 unavailable');
    expect(ledger.jobs.get(JOB.jobId)!.outcome).toBeNull();
    const retry = new StepTrainer();
    await runner(retry).handle(JOB);
    expect(retry.resumedFrom).toEqual([JOB.epochs]);
    expect(registrar.registered).toBe(1);
    expect(ledger.jobs.get(JOB.jobId)!.status).toBe('completed');
  });

  it('ends a job whose gating keeps failing as failed on its last attempt, so no job stays running for ever', async () => {
    const failingGate = (worker: string) =>
      new TrainingJobRunner(
        {
          ledger,
          runFolders: new ObjectStoreRunFolders(store),
          trainer: new StepTrainer(),
          gate: {
            evaluate: async () => {
              throw new Error('no latency measurement succeeded');
            },
          },
          registrar,
          bus: bus as unknown as MessageBus,
          logger: quiet,
        },
        { workerId: worker, workRoot: path.join(work, worker), progressIntervalMs: 50, cancelPollMs: 5, maxAttempts: 2 },
      );
    await expect(failingGate('w1').handle(JOB)).rejects.toThrow('no latency measurement succeeded');
    expect(ledger.jobs.get(JOB.jobId)!.outcome).toBeNull();
    await failingGate('w1').handle(JOB);
    expect(ledger.jobs.get(JOB.jobId)).toMatchObject({ status: 'failed', attempt: 2 });
    expect(bus.sent.at(-1)).toMatchObject({
      topic: 'training.job.failed.v1',
      message: {
        outcome: 'failed',
        errorCode: 'job.gating-failed',
        reason: 'gating failed on attempt 2: no latency measurement succeeded',
      },
    });
    expect(registrar.registered).toBe(0);
  });

  it('publishes progress at least every interval while the trainer is quiet', async () => {
    const slow: CandidateTrainer = {
      train: async (_job, runDir) => {
        await new Promise((r) => setTimeout(r, 400));
        return { packageDir: runDir, name: 'pcb', version: 'ft-1', classes: ['short'], usesTemplate: true, stopped: false };
      },
    };
    await runner(slow, PASS, 'w1', 50).handle(JOB);
    const progress = bus.sent.filter((s) => s.topic === 'training.job.progress.v1');
    expect(progress.length).toBeGreaterThanOrEqual(5);
    expect(progress[0]!.message).toMatchObject({ phase: 'preparing', attempt: 1, workerId: 'w1' });
  });

  it('sends a new phase at once, even within the interval: a short training run is never hidden by the gating after it', async () => {
    // One report, synchronous, right after the 'preparing' event: only the phase change can send it.
    const brief: CandidateTrainer = {
      train: async (job, runDir, hooks) => {
        hooks.onProgress({ phase: 'training', step: 1, totalSteps: 1, losses: {}, validationAp: null, etaSeconds: null, message: null });
        return { packageDir: runDir, name: 'pcb', version: 'ft-1', classes: ['short'], usesTemplate: true, stopped: false };
      },
    };
    await runner(brief, PASS, 'w1', 10_000).handle(JOB);
    const phases = bus.sent.filter((s) => s.topic === 'training.job.progress.v1').map((s) => s.message['phase']);
    expect(phases.slice(0, 2)).toEqual(['preparing', 'training']);
  });

  it('refuses a progress interval over the contract’s 10 s', () => {
    expect(() => runner(new StepTrainer(), PASS, 'w1', 10_001)).toThrow(RangeError);
  });
});
