/**
 * @jest-environment ./libs/vision/src/core/testing/shared-typed-arrays.jest-environment.js
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { getPriority, tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { TrainingJobRequestedV1 } from '@argus/contracts';
import type { MessageBus } from '@argus/messaging';
import {
  createThrowawayDatabase,
  databaseConfigFromEnv,
  ModelRegistryRepository,
  runMigrations,
  type ThrowawayDatabase,
} from '@argus/persistence';
import { FilesystemObjectStore, MinioObjectStore, type ObjectStore, s3ConfigFromEnv } from '@argus/storage';
import { loadModelPackage, objectStorePackageFiles, selectTfBackend } from '@argus/vision';
import { TINY_PCB_CLASSES } from '@argus/vision/testing';
import { ContinualErrorCodes } from '../continual.errors';
import { DEFAULT_GATE_POLICY } from '@argus/registry';
import { VisionCandidateGate } from '../gates/vision-candidate.gate';
import { InMemoryTrainingJobLedger } from './in-memory-training-job.ledger';
import { ObjectStoreRunFolders } from './object-store-run-folders';
import { PublishingCandidateRegistrar } from './publishing-candidate.registrar';
import { spawnTrainerThread, ThreadCandidateTrainer, type ThreadCandidateTrainerOptions } from './thread-candidate.trainer';
import { filesystemTrainerStoreLocation, s3TrainerStoreLocation, type TrainerStoreLocation } from './trainer-store.location';
import type { TrainerThreadData } from './trainer-thread.protocol';
import type { CandidateTrainer, TrainerHooks } from './training-job.ports';
import { TrainingJobRunner } from './training-job.runner';
import { prepareTinyFineTuneJob, RecordingBus } from '../testing/tiny-fine-tune-job.fixture';

/**
 * The trainer in its worker thread, for real (TF.js wasm in the thread, the tiny model setup of
 * training-job.int-spec.ts, seconds of training): a job trained in the thread becomes the same kind
 * of candidate, gated and registered, while this thread's event loop stays free; a cancelled job's
 * thread stops and is terminated (the store a filesystem one, as in `npm start`); a thread that
 * dies mid-job fails the attempt with the reason. S3Proxy and a throw-away Postgres from infra/local.
 */
jest.setTimeout(300_000);

const CLASSES = [...TINY_PCB_CLASSES];

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const settings = { validationShare: 0.25, progressEverySeconds: 1, argusVersion: 'test' };

let database: ThrowawayDatabase;
let s3: ObjectStore;
let s3Location: TrainerStoreLocation;
let registry: ModelRegistryRepository;
let work: string;
let job: TrainingJobRequestedV1;
const run = randomBytes(4).toString('hex');
const prefix = `cft-thread-it-${run}`;

beforeAll(async () => {
  // The setup's parent model trains on this thread; the jobs train in their threads.
  await selectTfBackend({ env: { ARGUS_TF_BACKEND: 'wasm' } });
  database = await createThrowawayDatabase(databaseConfigFromEnv(process.env, 'continual-fine-tune-thread-it'));
  await runMigrations(database.dataSource);
  registry = new ModelRegistryRepository(database.dataSource);
  const s3Config = s3ConfigFromEnv(process.env);
  s3 = new MinioObjectStore(s3Config);
  s3Location = s3TrainerStoreLocation(s3Config);
  await s3.ensureBucket();
  work = await mkdtemp(path.join(tmpdir(), 'argus-cft-thread-it-'));

  // The line's production model (trained here, on this thread: setup only), its data set and the job.
  job = await prepareTinyFineTuneJob({ store: s3, registry, work, run, prefix });
});

afterAll(async () => {
  await database?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

const newJob = (): TrainingJobRequestedV1 => ({ ...job, jobId: randomUUID(), eventId: randomUUID() });

function runner(trainer: CandidateTrainer, ledger: InMemoryTrainingJobLedger, bus: RecordingBus, worker: string) {
  return new TrainingJobRunner(
    {
      ledger,
      runFolders: new ObjectStoreRunFolders(s3),
      trainer,
      gate: new VisionCandidateGate(s3, {
        policy: DEFAULT_GATE_POLICY,
        validationShare: settings.validationShare,
        parentValidationLimit: 4,
        servingBatch: 4,
        servingThreads: 1,
        latencyRounds: 2,
      }),
      registrar: new PublishingCandidateRegistrar(s3, registry),
      bus: bus as unknown as MessageBus,
      logger: quiet,
    },
    { workerId: worker, workRoot: path.join(work, worker), progressIntervalMs: 1000, cancelPollMs: 200 },
  );
}

/** The trainer with its threads watched: each Worker it starts, and how it ended. */
function threadTrainer({ entry, ...options }: Partial<ThreadCandidateTrainerOptions> & { entry?: string } = {}) {
  const threads: { worker: Worker; exited: Promise<number> }[] = [];
  const logged: { fields: Record<string, unknown>; message: string }[] = [];
  const log = ((fields: Record<string, unknown>, message: string) => logged.push({ fields, message })) as never;
  const trainer = new ThreadCandidateTrainer({
    store: s3Location,
    settings,
    logger: { info: log, warn: log },
    spawn: (data: TrainerThreadData) => {
      const worker = (entry ? spawnTrainerThread(data, entry) : spawnTrainerThread(data)) as Worker;
      threads.push({ worker, exited: new Promise((resolve) => worker.once('exit', resolve)) });
      return worker;
    },
    ...options,
  });
  return { trainer, threads, logged };
}

/**
 * How late this thread's timers fired while `during` ran, counted once `counting()` says so: what a
 * blocked event loop shows (each tick's delay past its period; the worst and the 90th percentile).
 */
async function timerLag<T>(during: () => Promise<T>, counting: () => boolean): Promise<{ result: T; lag: TimerLag }> {
  const periodMs = 20;
  const lags: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    if (counting()) lags.push(Math.max(0, now - last - periodMs));
    last = now;
  }, periodMs);
  try {
    const result = await during();
    lags.sort((a, b) => a - b);
    return {
      result,
      lag: { ticks: lags.length, worstMs: lags.at(-1) ?? 0, p90Ms: lags[Math.floor(lags.length * 0.9)] ?? 0 },
    };
  } finally {
    clearInterval(timer);
  }
}

interface TimerLag {
  readonly ticks: number;
  readonly worstMs: number;
  readonly p90Ms: number;
}

it('trains a job in a worker thread into the same kind of candidate, gated and registered, while this thread stays responsive', async () => {
  const ledger = new InMemoryTrainingJobLedger();
  const threaded = { ...newJob(), epochs: 8 };
  ledger.enqueue(threaded.jobId);
  const bus = new RecordingBus();
  const { trainer, threads, logged } = threadTrainer({ niceness: 19 });
  // Lag counted from the first training progress to the trained candidate: the steps, checkpoints
  // and their copies (not the thread's start, once per job, nor the gates, which run on this thread
  // as they always did).
  let lag: TimerLag | undefined;
  const measured: CandidateTrainer = {
    train: async (j, runDir, hooks) => {
      let training = false;
      const measuredRun = await timerLag(
        () =>
          trainer.train(j, runDir, {
            ...hooks,
            onProgress: (p) => {
              training = true;
              hooks.onProgress(p);
            },
          }),
        () => training,
      );
      lag = measuredRun.lag;
      return measuredRun.result;
    },
  };
  await runner(measured, ledger, bus, 'w1').handle(threaded);
  // A test of blocking, not a benchmark: a training step on this thread holds its timers up for the
  // whole step, tick after tick (the tiny model's steps alone exceed the bound); with the steps in
  // their thread, only this thread's own small work (messages, the checkpoint copies) and the
  // machine's load delay a tick, now and then — hence the 90th percentile, not the worst.
  expect(lag!.ticks).toBeGreaterThan(10);
  expect(lag!.p90Ms).toBeLessThan(100);

  expect(threads).toHaveLength(1);
  await threads[0]!.exited;
  expect(trainer.activeThreads).toBe(0);
  const completed = bus.sent.find((s) => s.topic === 'training.job.completed.v1')?.message as {
    candidateModelVersionId: string;
    artifactKey: string;
  };
  expect(completed).toBeDefined();
  const candidate = await registry.findVersion(completed.candidateModelVersionId);
  expect(candidate).toMatchObject({ parentVersionId: threaded.baseModelVersionId, version: `ft-${threaded.jobId.slice(0, 8)}` });
  expect(candidate!.classes).toEqual(CLASSES);
  const pkg = await loadModelPackage(objectStorePackageFiles(s3, completed.artifactKey));
  expect(pkg.metadata.lineage?.addedClasses).toEqual(['pin-hole']);
  expect(await s3.exists(`${completed.artifactKey}/gate-report.json`)).toBe(true);
  expect(await s3.exists(`${completed.artifactKey}/training.log`)).toBe(true);
  const progress = bus.sent.filter((s) => s.topic === 'training.job.progress.v1' && s.message['phase'] === 'training');
  expect(progress.length).toBeGreaterThan(0);
  expect(progress.at(-1)!.message['totalSteps']).toBeGreaterThan(1);
  // The checkpoints reached the object store through this thread (the runner's onCheckpoint).
  expect(ledger.jobs.get(threaded.jobId)).toMatchObject({ status: 'completed' });
  // The job's log says where it trained and on which backend.
  // ...and at which priority: the thread's own nice value on Linux, the process's elsewhere.
  expect(logged).toContainEqual({
    fields: expect.objectContaining({
      jobId: threaded.jobId,
      tfBackend: 'wasm',
      argusKernels: true,
      priority: process.platform === 'linux' ? 'at nice 19' : expect.stringContaining('at the process priority'),
    }),
    message: expect.stringMatching(/^training in worker thread \d+ on the TF\.js wasm backend/),
  });
  // The thread's priority is its own: this (main) thread's is unchanged.
  expect(getPriority()).toBe(0);
});

it('stops a cancelled job at a step and terminates its thread (a filesystem store, as in npm start)', async () => {
  // The same objects in a filesystem store: the embedded mode's.
  const fsConfig = { root: path.join(work, 'objects'), bucket: 'argus' };
  const fsStore = new FilesystemObjectStore(fsConfig);
  await fsStore.ensureBucket();
  for await (const listing of s3.list(`${prefix}/`))
    await fsStore.put(listing.key, await s3.get(listing.key), { contentType: 'application/octet-stream' });
  for await (const listing of s3.list(`${job.baseArtifactKey}/`))
    await fsStore.put(listing.key, await s3.get(listing.key), { contentType: 'application/octet-stream' });

  const { trainer, threads } = threadTrainer({ store: filesystemTrainerStoreLocation(fsConfig) });
  let cancelled = false;
  let progressAfterCancel = 0;
  const hooks: TrainerHooks = {
    onProgress: () => {
      if (cancelled) progressAfterCancel += 1;
      cancelled = true;
    },
    onCheckpoint: async () => undefined,
    shouldStop: () => cancelled,
  };
  // A budget it cannot finish before the cancel reaches it.
  const result = await trainer.train({ ...newJob(), epochs: 200 }, path.join(work, 'cancelled-run'), hooks);
  expect(result.stopped).toBe(true);
  expect(threads).toHaveLength(1);
  // terminate()d: a thread that ended by itself would exit 0.
  expect(await threads[0]!.exited).toBe(1);
  expect(trainer.activeThreads).toBe(0);
  expect(progressAfterCancel).toBeLessThan(5);
});

it('fails the attempt with the reason when the thread dies mid-job', async () => {
  const ledger = new InMemoryTrainingJobLedger();
  const dying = newJob();
  ledger.enqueue(dying.jobId);
  const bus = new RecordingBus();
  const { trainer } = threadTrainer({ entry: path.join(__dirname, 'testing', 'crash-after-checkpoint.worker.ts') });
  await runner(trainer, ledger, bus, 'w1').handle(dying);

  const failed = bus.sent.find((s) => s.topic === 'training.job.failed.v1')?.message;
  expect(failed).toMatchObject({
    jobId: dying.jobId,
    outcome: 'failed',
    errorCode: ContinualErrorCodes.trainerThreadCrashed,
    reason: expect.stringContaining('exited with code 3 before it answered'),
  });
  expect(ledger.jobs.get(dying.jobId)).toMatchObject({ status: 'failed' });
  expect(trainer.activeThreads).toBe(0);
});
