/**
 * @jest-environment ./libs/vision/src/core/testing/shared-typed-arrays.jest-environment.js
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EventHeaders, type TrainingJobRequestedV1 } from '@argus/contracts';
import type { MessageBus } from '@argus/messaging';
import {
  createThrowawayDatabase,
  databaseConfigFromEnv,
  ModelRegistryRepository,
  runMigrations,
  type ThrowawayDatabase,
} from '@argus/persistence';
import { MinioObjectStore, type ObjectStore, s3ConfigFromEnv } from '@argus/storage';
import { loadModelPackage, objectStorePackageFiles, selectTfBackend } from '@argus/vision';
import { TINY_PCB_CLASSES } from '@argus/vision/testing';
import { DEFAULT_GATE_POLICY, type GateReport } from '@argus/registry';
import { VisionCandidateGate } from '../gates/vision-candidate.gate';
import { InMemoryTrainingJobLedger } from './in-memory-training-job.ledger';
import { ObjectStoreRunFolders } from './object-store-run-folders';
import { PublishingCandidateRegistrar } from './publishing-candidate.registrar';
import { TrainingJobRunner } from './training-job.runner';
import { prepareTinyFineTuneJob, RecordingBus } from '../testing/tiny-fine-tune-job.fixture';
import type { CandidateTrainer } from './training-job.ports';
import { VisionCandidateTrainer } from './vision-candidate.trainer';

/**
 * The trainer worker's real path on S3Proxy and Postgres: a tiny production model that does not
 * know `pin-hole`, a data set version of frames stored in the object store that has it, and a job
 * fine-tuned, gated, registered and announced — then the same with the worker killed after its
 * first checkpoint and the job redelivered to another worker, which resumes and yields the one
 * candidate. Tiny on purpose (seconds of training); the real scale is `npm run bench:continual`.
 */
jest.setTimeout(300_000);

const CLASSES = [...TINY_PCB_CLASSES];

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

let database: ThrowawayDatabase;
let store: ObjectStore;
let registry: ModelRegistryRepository;
let work: string;
let job: TrainingJobRequestedV1;
const run = randomBytes(4).toString('hex');

beforeAll(async () => {
  await selectTfBackend({ env: { ARGUS_TF_BACKEND: 'wasm' } });
  database = await createThrowawayDatabase(databaseConfigFromEnv(process.env, 'continual-fine-tune-jobs-it'));
  await runMigrations(database.dataSource);
  registry = new ModelRegistryRepository(database.dataSource);
  store = new MinioObjectStore(s3ConfigFromEnv(process.env));
  await store.ensureBucket();
  work = await mkdtemp(path.join(tmpdir(), 'argus-cft-it-'));

  // The line's production model, trained on synthetic PCB scenes without pin-hole, its data set and the job.
  job = await prepareTinyFineTuneJob({ store, registry, work, run, prefix: `cft-it-${run}` });
});

afterAll(async () => {
  await database?.drop();
  if (work) await rm(work, { recursive: true, force: true });
});

function runner(trainer: CandidateTrainer, ledger: InMemoryTrainingJobLedger, bus: RecordingBus, worker: string) {
  const settings = { validationShare: 0.25 };
  return new TrainingJobRunner(
    {
      ledger,
      runFolders: new ObjectStoreRunFolders(store),
      trainer,
      gate: new VisionCandidateGate(store, {
        policy: DEFAULT_GATE_POLICY,
        validationShare: settings.validationShare,
        parentValidationLimit: 4,
        servingBatch: 4,
        servingThreads: 1,
        latencyRounds: 2,
      }),
      registrar: new PublishingCandidateRegistrar(store, registry),
      bus: bus as unknown as MessageBus,
      logger: quiet,
    },
    { workerId: worker, workRoot: path.join(work, worker), progressIntervalMs: 1000, cancelPollMs: 500 },
  );
}

const visionTrainer = () =>
  new VisionCandidateTrainer(store, { validationShare: 0.25, progressEverySeconds: 1, argusVersion: 'test' }, quiet);

it('fine-tunes, gates, registers and announces one candidate that knows the new class', async () => {
  const ledger = new InMemoryTrainingJobLedger();
  ledger.enqueue(job.jobId);
  const bus = new RecordingBus();
  await runner(visionTrainer(), ledger, bus, 'w1').handle(job);

  const completed = bus.sent.find((s) => s.topic === 'training.job.completed.v1')!.message as {
    candidateModelVersionId: string;
    artifactKey: string;
    gatesPassed: boolean;
    gateReasons: string[];
  };
  expect(completed).toBeDefined();
  const candidate = await registry.findVersion(completed.candidateModelVersionId);
  expect(candidate).toMatchObject({ parentVersionId: job.baseModelVersionId, version: `ft-${job.jobId.slice(0, 8)}` });
  expect(candidate!.classes).toEqual(CLASSES);
  const pkg = await loadModelPackage(objectStorePackageFiles(store, completed.artifactKey));
  expect(pkg.metadata.lineage?.addedClasses).toEqual(['pin-hole']);
  const gates = JSON.parse((await store.get(`${completed.artifactKey}/gate-report.json`)).toString('utf8')) as GateReport;
  expect(gates.checks.map((c) => c.kind)).toEqual(expect.arrayContaining(['class-retention', 'new-data-gain', 'latency']));
  expect(gates.passed).toBe(completed.gatesPassed);
  expect(completed.gateReasons).toEqual(gates.reasons);
  expect(await store.exists(`${completed.artifactKey}/evaluation.json`)).toBe(true);
  expect(await store.exists(`${completed.artifactKey}/training.log`)).toBe(true);
  // Registered as a model version for the console only when the gates passed.
  expect(bus.sent.some((s) => s.topic === 'model.version.registered.v1')).toBe(gates.passed);
  const training = bus.sent.filter((s) => s.topic === 'training.job.progress.v1' && s.message['phase'] === 'training');
  expect(training.length).toBeGreaterThan(0);
  expect(training.at(-1)!.message['totalSteps']).toBeGreaterThan(1);
});

it('resumes a job whose worker died after its first checkpoint on another worker: one job, one candidate', async () => {
  const ledger = new InMemoryTrainingJobLedger();
  const second: TrainingJobRequestedV1 = { ...job, jobId: randomUUID(), eventId: randomUUID() };
  ledger.enqueue(second.jobId);
  let saves = 0;
  // kill -9 after the first checkpoint is copied away: the worker never returns.
  const dying: CandidateTrainer = {
    train: (j, runDir, hooks) =>
      visionTrainer().train(j, runDir, {
        ...hooks,
        onCheckpoint: async () => {
          await hooks.onCheckpoint();
          if (++saves === 1) await new Promise<never>(() => undefined);
        },
      }),
  };
  void runner(dying, ledger, new RecordingBus(), 'w1').handle(second);
  for (let i = 0; i < 600 && saves === 0; i++) await new Promise((r) => setTimeout(r, 200));
  expect(saves).toBe(1);

  const bus = new RecordingBus();
  await runner(visionTrainer(), ledger, bus, 'w2').handle(second);
  const completed = bus.sent.filter((s) => s.topic === 'training.job.completed.v1');
  expect(completed).toHaveLength(1);
  const artifactKey = (completed[0]!.message as { artifactKey: string }).artifactKey;
  const pkg = await loadModelPackage(objectStorePackageFiles(store, artifactKey));
  expect(pkg.metadata.training?.resumedWith.length).toBe(1);
  expect(ledger.jobs.get(second.jobId)).toMatchObject({ status: 'completed', attempt: 2, workerId: 'w2' });
  // Delivered once more (the bus's at-least-once): the outcome again, marked a repeat, nothing trained or registered.
  const again = new RecordingBus();
  await runner(visionTrainer(), ledger, again, 'w3').handle(second);
  expect(again.sent.map((s) => s.topic)).toEqual(expect.arrayContaining(['training.job.completed.v1']));
  expect(again.sent.every((s) => s.headers[EventHeaders.repeat] === 'true')).toBe(true);
});
