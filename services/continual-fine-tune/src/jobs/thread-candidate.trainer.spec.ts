import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TrainingJobRequestedV1 } from '@argus/contracts';
import type { MessageBus } from '@argus/messaging';
import { ObjectStoreError } from '@argus/storage';
import { ContinualErrorCodes, TrainerThreadCrashedError, TrainingInterruptedError } from '../continual.errors';
import { InMemoryTrainingJobLedger } from './in-memory-training-job.ledger';
import { ThreadCandidateTrainer, type TrainerThread } from './thread-candidate.trainer';
import {
  deserializeError,
  type FromTrainerThread,
  serializeError,
  type ToTrainerThread,
  type TrainerThreadData,
} from './trainer-thread.protocol';
import type { JobProgress, TrainedCandidate, TrainerHooks } from './training-job.ports';
import { TrainingJobRunner } from './training-job.runner';

/** A thread that only does what the test makes it do, and records what it was sent. */
class FakeThread extends EventEmitter implements TrainerThread {
  readonly received: ToTrainerThread[] = [];
  terminated = 0;
  postMessage(message: ToTrainerThread): void {
    this.received.push(message);
  }
  async terminate(): Promise<number> {
    this.terminated += 1;
    return 1;
  }
  answer(message: FromTrainerThread): void {
    this.emit('message', message);
  }
}

const job: TrainingJobRequestedV1 = {
  eventId: randomUUID(),
  occurredAt: new Date().toISOString(),
  jobId: randomUUID(),
  lineId: 'line-1',
  datasetVersionId: randomUUID(),
  datasetFingerprint: 'f'.repeat(64),
  manifestKey: 'datasets/line-1/1/manifest.jsonl',
  baseModelVersionId: randomUUID(),
  baseArtifactKey: 'models/base/v1',
  requestedBy: 'policy',
  triggers: [{ kind: 'new-labels', reason: 'twenty new labels' }],
  epochs: 2,
  seed: 1,
};

const candidate: TrainedCandidate = {
  packageDir: '/run/package',
  name: 'pcb',
  version: 'ft-1',
  classes: ['open', 'short'],
  usesTemplate: true,
  stopped: false,
};

const progress: JobProgress = {
  phase: 'training',
  step: 3,
  totalSteps: 10,
  losses: { total: 1.5 },
  validationAp: null,
  etaSeconds: 12,
  message: 'epoch 1/2',
};

function setup(options: { stopGraceMs?: number } = {}) {
  const thread = new FakeThread();
  const spawned: TrainerThreadData[] = [];
  const logger = { info: jest.fn(), warn: jest.fn() };
  const trainer = new ThreadCandidateTrainer({
    store: { kind: 'filesystem', root: '/data/objects', bucket: 'argus' },
    settings: { validationShare: 0.2, progressEverySeconds: 1, argusVersion: 'test' },
    logger,
    stopPollMs: 5,
    stopGraceMs: options.stopGraceMs ?? 60_000,
    spawn: (data) => {
      spawned.push(data);
      return thread;
    },
  });
  let stop = false;
  const hooks = {
    onProgress: jest.fn<void, [JobProgress]>(),
    onCheckpoint: jest.fn<Promise<void>, []>(async () => undefined),
    shouldStop: () => stop,
  } satisfies TrainerHooks;
  return { thread, spawned, logger, trainer, hooks, cancel: () => (stop = true) };
}

const until = async (condition: () => boolean) => {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!condition()) throw new Error('condition not reached');
};

describe('ThreadCandidateTrainer', () => {
  it('starts one thread with the job, run folder, store location and settings, and answers its result', async () => {
    const { thread, spawned, trainer, hooks } = setup();
    const training = trainer.train(job, '/work/run-1', hooks);
    expect(spawned).toEqual([
      {
        job,
        runDir: '/work/run-1',
        store: { kind: 'filesystem', root: '/data/objects', bucket: 'argus' },
        settings: { validationShare: 0.2, progressEverySeconds: 1, argusVersion: 'test' },
        // Unless asked, the thread trains at the process's priority.
        niceness: 0,
      },
    ]);
    expect(trainer.activeThreads).toBe(1);
    thread.answer({ type: 'result', candidate });
    await expect(training).resolves.toEqual(candidate);
    expect(thread.terminated).toBe(1);
    expect(trainer.activeThreads).toBe(0);
  });

  it("passes progress to the runner and the thread's log lines to the logger with the job id", async () => {
    const { thread, logger, trainer, hooks } = setup();
    const training = trainer.train(job, '/work/run-1', hooks);
    thread.answer({
      type: 'log',
      level: 'info',
      fields: { tfBackend: 'wasm' },
      message: 'training in worker thread 1 on the TF.js wasm backend',
    });
    thread.answer({ type: 'log', level: 'warn', fields: {}, message: 'no replay' });
    thread.answer({ type: 'progress', progress });
    thread.answer({ type: 'result', candidate });
    await training;
    expect(hooks.onProgress).toHaveBeenCalledWith(progress);
    expect(logger.info).toHaveBeenCalledWith(
      { tfBackend: 'wasm', jobId: job.jobId },
      'training in worker thread 1 on the TF.js wasm backend',
    );
    expect(logger.warn).toHaveBeenCalledWith({ jobId: job.jobId }, 'no replay');
  });

  it('lets the thread go on after a checkpoint only once onCheckpoint has finished', async () => {
    const { thread, trainer, hooks } = setup();
    let finishCopy: () => void = () => undefined;
    hooks.onCheckpoint.mockImplementation(() => new Promise<void>((resolve) => (finishCopy = resolve)));
    const training = trainer.train(job, '/work/run-1', hooks);
    thread.answer({ type: 'checkpoint', id: 1 });
    await new Promise((r) => setTimeout(r, 20));
    expect(hooks.onCheckpoint).toHaveBeenCalledTimes(1);
    expect(thread.received).toEqual([]);
    finishCopy();
    await until(() => thread.received.length > 0);
    expect(thread.received).toEqual([{ type: 'checkpoint-saved', id: 1 }]);
    thread.answer({ type: 'result', candidate });
    await training;
  });

  it("hands a failed onCheckpoint back to the thread as that checkpoint's error", async () => {
    const { thread, trainer, hooks } = setup();
    hooks.onCheckpoint.mockRejectedValue(new ObjectStoreError('object-store.unavailable', 'object store unavailable: ECONNREFUSED'));
    const training = trainer.train(job, '/work/run-1', hooks);
    thread.answer({ type: 'checkpoint', id: 4 });
    await until(() => thread.received.length > 0);
    expect(thread.received[0]).toMatchObject({
      type: 'checkpoint-saved',
      id: 4,
      error: { code: 'object-store.unavailable', message: 'object store unavailable: ECONNREFUSED' },
    });
    thread.answer({ type: 'result', candidate });
    await training;
  });

  it("rejects with the thread's error, its code kept (an object store's as an ObjectStoreError)", async () => {
    const { thread, trainer, hooks } = setup();
    const storage = trainer.train(job, '/work/run-1', hooks);
    thread.answer({
      type: 'error',
      error: serializeError(new ObjectStoreError('object-store.unavailable', 'object store unavailable: ECONNRESET')),
    });
    const error = await storage.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectStoreError);
    expect(error).toMatchObject({ code: 'object-store.unavailable', message: 'object store unavailable: ECONNRESET' });
    expect(thread.terminated).toBe(1);

    const second = setup();
    const data = second.trainer.train(job, '/work/run-2', second.hooks);
    second.thread.answer({
      type: 'error',
      error: { name: 'SampleManifestError', message: 'line 3: no image key', code: 'dataset.invalid-manifest' },
    });
    const dataError = await data.catch((e: unknown) => e);
    expect(dataError).not.toBeInstanceOf(ObjectStoreError);
    expect(dataError).toMatchObject({ name: 'SampleManifestError', code: 'dataset.invalid-manifest', message: 'line 3: no image key' });

    const third = setup();
    const plain = third.trainer.train(job, '/work/run-3', third.hooks);
    third.thread.answer({ type: 'error', error: serializeError(new RangeError('no frame with a box')) });
    const plainError = await plain.catch((e: unknown) => e);
    expect(plainError).toMatchObject({ name: 'RangeError', message: 'no frame with a box' });
    expect((plainError as { code?: unknown }).code).toBeUndefined();
  });

  it('fails the attempt with the reason when the thread dies without answering', async () => {
    const { thread, trainer, hooks } = setup();
    const training = trainer.train(job, '/work/run-1', hooks);
    thread.emit('error', new RangeError('Array buffer allocation failed'));
    const error = await training.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrainerThreadCrashedError);
    expect(error).toMatchObject({ code: ContinualErrorCodes.trainerThreadCrashed });
    expect((error as Error).message).toContain('RangeError: Array buffer allocation failed');

    const second = setup();
    const exited = second.trainer.train(job, '/work/run-2', second.hooks);
    second.thread.emit('exit', 7);
    await expect(exited).rejects.toThrow(`the trainer thread of job ${job.jobId} crashed: it exited with code 7 before it answered`);
    expect(second.trainer.activeThreads).toBe(0);
  });

  it('asks a cancelled job to stop at the next step, answers it stopped and terminates the thread', async () => {
    const { thread, trainer, hooks, cancel } = setup();
    const training = trainer.train(job, '/work/run-1', hooks);
    await new Promise((r) => setTimeout(r, 20));
    expect(thread.received).toEqual([]);
    cancel();
    await until(() => thread.received.length > 0);
    expect(thread.received).toEqual([{ type: 'stop' }]);
    thread.answer({ type: 'result', candidate: { ...candidate, stopped: true } });
    await expect(training).resolves.toMatchObject({ stopped: true });
    expect(thread.terminated).toBe(1);
  });

  it('terminates a cancelled thread that does not stop within the grace, answering it stopped', async () => {
    const { thread, logger, trainer, hooks, cancel } = setup({ stopGraceMs: 30 });
    const training = trainer.train(job, '/work/run-1', hooks);
    cancel();
    await expect(training).resolves.toMatchObject({ stopped: true, version: `ft-${job.jobId.slice(0, 8)}` });
    expect(thread.received).toEqual([{ type: 'stop' }]);
    expect(thread.terminated).toBe(1);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ jobId: job.jobId }), expect.stringContaining('terminated'));
  });

  it('terminates the running thread on close (shutdown) and answers its job as interrupted, not failed', async () => {
    const { thread, trainer, hooks } = setup();
    const training = trainer.train(job, '/work/run-1', hooks);
    await trainer.close();
    expect(thread.terminated).toBeGreaterThanOrEqual(1);
    await expect(training).rejects.toBeInstanceOf(TrainingInterruptedError);
    expect(trainer.activeThreads).toBe(0);
    // A job delivered while shutting down is not started.
    await expect(trainer.train(job, '/work/run-2', hooks)).rejects.toBeInstanceOf(TrainingInterruptedError);
  });

  it('leaves a job interrupted by shutdown running in the ledger, unannounced, for redelivery to resume', async () => {
    const { thread, trainer } = setup();
    const ledger = new InMemoryTrainingJobLedger();
    ledger.enqueue(job.jobId);
    const bus = { publish: jest.fn(async (_topic: { name: string }, _message: unknown) => undefined) };
    const work = await mkdtemp(path.join(tmpdir(), 'argus-thread-trainer-'));
    const refuse = () => Promise.reject(new Error('not expected after an interrupted training'));
    try {
      const runner = new TrainingJobRunner(
        {
          ledger,
          runFolders: { restore: async () => 0, save: async () => undefined },
          trainer,
          gate: { evaluate: refuse },
          registrar: { register: refuse },
          bus: bus as unknown as MessageBus,
          logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
        },
        { workerId: 'w1', workRoot: work, progressIntervalMs: 10_000, cancelPollMs: 60_000 },
      );
      const handled = runner.handle(job);
      await until(() => trainer.activeThreads === 1);
      thread.answer({ type: 'progress', progress });
      await trainer.close();
      await expect(handled).rejects.toBeInstanceOf(TrainingInterruptedError);
      expect(ledger.jobs.get(job.jobId)).toMatchObject({ status: 'running', attempt: 1, outcome: null });
      expect(bus.publish.mock.calls.map(([topic]) => topic.name)).not.toContain('training.job.failed.v1');
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});

describe('errors across the thread boundary', () => {
  it('keep name, code, details and message', () => {
    const error = Object.assign(new Error('bad'), {
      name: 'ManifestError',
      code: 'dataset.bad',
      details: { line: 3, cause: new Error('x') },
    });
    const back = deserializeError(structuredClone(serializeError(error)));
    expect(back).toMatchObject({
      name: 'ManifestError',
      code: 'dataset.bad',
      message: 'bad',
      details: { line: 3, cause: { message: 'x' } },
    });
    expect(back.stack).toContain('(in the trainer thread)');
  });
});
