/**
 * @jest-environment ./libs/vision/src/core/testing/shared-typed-arrays.jest-environment.js
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { deadLetterTopicFor, type ModelRegisteredV1, type SearchTrainingRequestedV1, Topics } from '@argus/contracts';
import {
  KafkaMessageBusAdapter,
  kafkaConfigFromEnv,
  type MessageMetadata,
  type MessagingLogger,
  type Subscription,
} from '@argus/messaging';
import {
  ArchitectureSearchRepository,
  createThrowawayDatabase,
  databaseConfigFromEnv,
  LineRepository,
  ModelRegistryRepository,
  runMigrations,
  SearchCandidateLineageRepository,
  type ThrowawayDatabase,
} from '@argus/persistence';
import { waitFor } from '@argus/platform/testing';
import { assertGatesAllowPromotion, GATE_REPORT_FILE, type GateReport, needsGateOverride } from '@argus/registry';
import { MinioObjectStore, s3ConfigFromEnv } from '@argus/storage';
import { loadModelPackage, objectStorePackageFiles, selectTfBackend } from '@argus/vision';
import { tinyPcbSpec } from '@argus/vision/testing';
import { FullTrainingErrorCodes } from './full-training.errors';
import { PublishingCandidatePackagePublisher } from './publishing-candidate-package.publisher';
import { RunFullTrainingUseCase } from './run-full-training.use-case';
import { subscribeSearchTrainingRequests } from './search-training-requested.consumer';
import { VisionCandidateMeasurer } from './vision-candidate.measurer';
import { VisionSpecTrainer } from './vision-spec.trainer';

/**
 * Full training on infra/local's Kafka, S3Proxy and a throw-away Postgres: a
 * search.training.requested.v1 in → a tiny spec trained on synthetic PCB scenes, gated, its package
 * and gate report in the object store, a candidate version in the registry with `gatesPassed` and its
 * search lineage, and model.version.registered.v1 out — first on a line without a production model
 * (the gates fail, saying so), then, that candidate promoted, a second one gated against it (scored
 * and timed, both ONNX models on the validation scenes); a request with an invalid spec → its
 * dead-letter topic with the reason. Tiny on purpose (one epoch, a few scenes).
 */
jest.setTimeout(300_000);

const run = randomBytes(4).toString('hex');
const lineId = `line-nas-${run}`;
const quiet: MessagingLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const searchId = `${run}-0000-4000-8000-000000000001`;
const trialId = `${run}-0000-4000-8000-0000000000c1`;
const requestDeadLetters: typeof Topics.searchTrainingRequested = {
  ...Topics.searchTrainingRequested,
  name: deadLetterTopicFor(Topics.searchTrainingRequested.name),
};

describe('architecture-search full training on Kafka, S3Proxy and Postgres', () => {
  let db: ThrowawayDatabase;
  let work: string;
  let worker: KafkaMessageBusAdapter;
  let observer: KafkaMessageBusAdapter;
  let subscription: Subscription | undefined;
  const store = new MinioObjectStore(s3ConfigFromEnv(process.env));
  const registered: ModelRegisteredV1[] = [];
  const deadLetters: { request: SearchTrainingRequestedV1; metadata: MessageMetadata }[] = [];
  const lines: string[] = [];

  beforeAll(async () => {
    await selectTfBackend({ env: { ARGUS_TF_BACKEND: 'wasm' } });
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env, 'architecture-search-full-training-int'));
    await runMigrations(db.dataSource);
    await store.ensureBucket();
    // The search and its measured trial as architecture-search's controller recorded them: a request
    // must name a trial this deployment has.
    await new LineRepository(db.dataSource).upsertLine({ id: lineId, name: lineId });
    const searches = new ArchitectureSearchRepository(db.dataSource);
    await searches.create(
      { id: searchId, lineId, name: 'tiny', controller: 'evolution', settings: { dataSource: 'synthetic:pcb' }, requestedBy: 'ml' },
      {
        status: 'completed',
        engineState: {},
        front: [],
        progress: {
          requested: 1,
          completed: 1,
          failed: 0,
          inFlight: 0,
          bestAp: 0.1,
          bestLatencyMs: 1,
          frontSize: 1,
          elapsedSeconds: 1,
          stopReason: 'budget',
        },
      },
    );
    await searches.addTrials([
      { searchId, trialId, rung: 0, sequence: 0, controller: 'evolution', choices: [0], spec: { ...tinyPcbSpec() } },
    ]);
    await searches.recordTrialOutcome(searchId, trialId, 0, {
      status: 'completed',
      workerId: 'w',
      ap: 0.1,
      latencyMs: 1,
      latencySource: 'measured',
      params: 1,
      macs: 1,
      trainSeconds: 1,
      evalSeconds: 1,
      reward: 0.1,
    });
    work = await mkdtemp(path.join(tmpdir(), 'argus-nas-full-training-it-'));

    observer = new KafkaMessageBusAdapter({
      config: kafkaConfigFromEnv(process.env, { clientId: `nas-ft-int-observer-${run}` }),
      logger: quiet,
    });
    await observer.ensureTopics([Topics.searchTrainingRequested, Topics.modelRegistered]);
    const retry = { attempts: 1, initialBackoffMs: 1, maxBackoffMs: 1 };
    await observer.subscribe(Topics.modelRegistered, {
      groupId: `nas-ft-int-registered-${run}`,
      retry,
      handler: (event) => void (event.registeredBy.includes(run) && registered.push(event)),
    });
    await observer.subscribe(requestDeadLetters, {
      groupId: `nas-ft-int-dlq-${run}`,
      retry,
      handler: (request, metadata) => void (request.lineId === lineId && deadLetters.push({ request, metadata })),
    });
    await observer.start();

    const registry = new ModelRegistryRepository(db.dataSource);
    const useCase = new RunFullTrainingUseCase(
      {
        trainer: new VisionSpecTrainer({ maxMinutes: 5, progressEverySeconds: 10, syntheticImages: 8, argusVersion: 'test' }),
        measurer: new VisionCandidateMeasurer(store, { servingBatch: 2, servingThreads: 1, latencyRounds: 2 }),
        publisher: new PublishingCandidatePackagePublisher(store, registry),
        lineage: new SearchCandidateLineageRepository(db.dataSource),
        searches,
        registry,
        bus: observer,
        logger: {
          info: ((_context: object, line?: string) => void lines.push(line ?? '')) as never,
          warn: ((_context: object, line?: string) => void lines.push(line ?? '')) as never,
        },
      },
      { gatePolicy: { maxClassDropPoints: 1, minClassInstances: 10, maxLatencyRatio: 1.1 }, defaultEpochs: 1, workRoot: work },
    );
    worker = new KafkaMessageBusAdapter({
      config: kafkaConfigFromEnv(process.env, { clientId: `nas-ft-int-worker-${run}` }),
      logger: quiet,
    });
    subscription = await subscribeSearchTrainingRequests(worker, useCase, `nas-ft-int-workers-${run}`);
    await worker.start();
  });

  afterAll(async () => {
    await subscription?.stop();
    await worker?.stop();
    await observer?.stop();
    await db?.drop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  let firstCandidateId = '';

  async function storedGateReport(artifactKey: string): Promise<GateReport> {
    return JSON.parse((await store.get(`${artifactKey}/${GATE_REPORT_FILE}`)).toString('utf8')) as GateReport;
  }

  const request = (overrides: Partial<SearchTrainingRequestedV1> = {}): SearchTrainingRequestedV1 => ({
    eventId: randomUUID(),
    occurredAt: new Date().toISOString(),
    requestId: randomUUID(),
    // The run's id in the search id lets the observer tell this run's announcements apart.
    searchId,
    trialId,
    controller: 'evolution',
    spec: { ...tinyPcbSpec(), name: `nas-it-${run}` } as unknown as Record<string, unknown>,
    lineId,
    dataSource: 'synthetic:pcb',
    epochs: 1,
    requestedBy: 'ml',
    ...overrides,
  });

  it('turns a request into a stored, registered candidate with lineage, and announces it', async () => {
    const asked = request();
    await observer.publish(Topics.searchTrainingRequested, asked);
    await waitFor('the candidate on model.version.registered.v1', () => registered.length > 0, 240_000);

    const event = registered[0]!;
    expect(event).toMatchObject({ name: `nas-it-${run}`, version: `nas-${asked.requestId}`, parentVersionId: null, usesTemplate: true });
    const registry = new ModelRegistryRepository(db.dataSource);
    const version = await registry.findVersion(event.modelVersionId);
    expect(version).toMatchObject({ name: `nas-it-${run}`, artifactKey: event.artifactKey, backend: 'onnx' });
    expect(await new SearchCandidateLineageRepository(db.dataSource).ofVersion(event.modelVersionId)).toMatchObject({
      requestId: asked.requestId,
      searchId: asked.searchId,
      trialId: asked.trialId,
      controller: 'evolution',
      lineId,
      requestedBy: 'ml',
    });
    const stored = await loadModelPackage(objectStorePackageFiles(store, event.artifactKey));
    expect(stored.metadata.spec.name).toBe(`nas-it-${run}`);
    expect(stored.metadata.training?.command).toContain(`trial ${asked.trialId}`);
    expect(lines.some((line) => line.startsWith('registered candidate'))).toBe(true);

    // The line has no production model: nothing to compare with, so the gates fail, saying so, and
    // the promotion rules ask for an admin's override as for any candidate that failed its gates.
    const gates = await storedGateReport(event.artifactKey);
    expect(gates.passed).toBe(false);
    expect(gates.reasons.length).toBeGreaterThan(0);
    expect(gates.reasons.every((r) => r.startsWith(`line ${lineId} has no production model`))).toBe(true);
    expect(version?.metrics['gatesPassed']).toBe(0);
    expect(event.metrics['gatesPassed']).toBe(0);
    expect(needsGateOverride(version!)).toBe(true);
    expect(() => assertGatesAllowPromotion(lineId, version!, undefined)).toThrow();
    firstCandidateId = event.modelVersionId;
  });

  it('gates the next candidate against the production model: both scored on the validation scenes and timed as served', async () => {
    const registry = new ModelRegistryRepository(db.dataSource);
    await registry.movePointer({
      lineId,
      fromVersionId: null,
      toVersionId: firstCandidateId,
      kind: 'promotion',
      promotedBy: 'admin',
      reason: 'first model of the line (gate override in the console)',
      previousPromotionId: null,
    });
    const asked = request();
    await observer.publish(Topics.searchTrainingRequested, asked);
    await waitFor(
      'the second candidate on model.version.registered.v1',
      () => registered.some((e) => e.version === `nas-${asked.requestId}`),
      240_000,
    );
    const event = registered.find((e) => e.version === `nas-${asked.requestId}`)!;
    const gates = await storedGateReport(event.artifactKey);
    // Retention and latency only: a search candidate brings no new data to gain on.
    expect([...new Set(gates.checks.map((c) => c.kind))].sort()).toEqual(['class-retention', 'latency']);
    expect(gates.policy).not.toHaveProperty('minNewDataGainPoints');
    const retention = gates.checks.filter((c) => c.kind === 'class-retention');
    expect(retention.length).toBeGreaterThan(0);
    expect(retention.every((c) => c.detail.includes('on validation (2 frames of synthetic:pcb)'))).toBe(true);
    const latency = gates.checks.find((c) => c.kind === 'latency')!;
    expect(latency.measured).toBeGreaterThan(0);
    expect(latency.limit).toBe(1.1);
    // Recorded with the version exactly as continual-fine-tune records its candidates' gates.
    const version = await registry.findVersion(event.modelVersionId);
    expect(version?.metrics).toMatchObject({ gatesPassed: gates.passed ? 1 : 0, gateLatencyRatio: latency.measured });
    expect(needsGateOverride(version!)).toBe(!gates.passed);
    expect(lines.some((line) => line.startsWith(`gating against line ${lineId}'s production model nas-it-${run}@`))).toBe(true);
  });

  it('dead-letters a request whose spec cannot be trained, with the reason', async () => {
    const bad = request({ spec: { ...tinyPcbSpec(), classes: [] } as unknown as Record<string, unknown> });
    await observer.publish(Topics.searchTrainingRequested, bad);
    await waitFor(
      'the refused request on its dead-letter topic',
      () => deadLetters.some((d) => d.request.requestId === bad.requestId),
      60_000,
    );
    const { metadata } = deadLetters.find((d) => d.request.requestId === bad.requestId)!;
    const headers = JSON.stringify(metadata.headers);
    expect(headers).toContain(FullTrainingErrorCodes.invalidSpec);
    expect(headers).toContain('classes');
  });

  it("dead-letters a request for a search this deployment does not have (another deployment's, or made up)", async () => {
    const stray = request({ searchId: randomUUID() });
    await observer.publish(Topics.searchTrainingRequested, stray);
    await waitFor(
      'the stray request on its dead-letter topic',
      () => deadLetters.some((d) => d.request.requestId === stray.requestId),
      60_000,
    );
    const { metadata } = deadLetters.find((d) => d.request.requestId === stray.requestId)!;
    expect(JSON.stringify(metadata.headers)).toContain(FullTrainingErrorCodes.unknownTrial);
  });
});
