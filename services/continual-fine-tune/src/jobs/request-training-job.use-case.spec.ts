import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ReviewSubmittedV1, TopicContract } from '@argus/contracts';
import type { MessageBus } from '@argus/messaging';
import { FilesystemObjectStore } from '@argus/storage';
import { parseSampleManifest } from '@argus/vision';
import {
  BaseModelNotFoundError,
  JobAlreadyActiveError,
  NoProductionModelError,
  NothingLabelledError,
  ShotsNotLabelledError,
  UnknownFrameError,
} from '../continual.errors';
import { DatasetVersioner } from '../datasets/dataset-versioner';
import { RecordReviewLabelUseCase } from '../labels/record-review-label.use-case';
import { InMemoryDatasetVersionStore, InMemoryLabelStore, InMemoryTrainingJobRequests } from '../testing/in-memory-continual.stores';
import { EvaluateLineTriggersUseCase } from '../triggers/evaluate-line-triggers.use-case';
import type { LineLearningState, TriggerPolicy } from '../triggers/trigger-policy';
import { RequestTrainingJobUseCase } from './request-training-job.use-case';

const uuid = (n: number, block = '8000') => `00000000-0000-4000-${block}-${String(n).padStart(12, '0')}`;
const META = { id: uuid(3, '8e00'), artifactKey: 'models/meta-init/1', classes: ['slot-0', 'slot-1'] };
const sha = (n: number) => createHash('sha256').update(`frame ${n}`).digest('hex');

function review(n: number, overrides: Partial<ReviewSubmittedV1> = {}): ReviewSubmittedV1 {
  return {
    eventId: uuid(n, '9000'),
    occurredAt: new Date(Date.UTC(2026, 11, 7, 10, 0, n)).toISOString(),
    reviewId: uuid(n, 'a000'),
    alertId: uuid(n, 'b000'),
    frameId: uuid(n),
    lineId: 'pcb-1',
    cameraId: 'aoi-1',
    reviewerId: uuid(1, '8c00'),
    decision: n % 4 === 0 ? 'rejected' : 'confirmed',
    boxes: n % 4 === 0 ? [] : [{ className: n % 2 ? 'short' : 'spur', box: { x1: 1, y1: 1, x2: 9, y2: 9 } }],
    objectKey: `pcb-1/aoi-1/${n}.jpg`,
    templateKey: 'templates/pcb-1.png',
    comment: null,
    ...overrides,
  };
}

class RecordingBus {
  readonly sent: { topic: string; message: Record<string, unknown> }[] = [];
  async publish(topic: TopicContract, message: unknown): Promise<void> {
    this.sent.push({ topic: topic.name, message: topic.schema.parse(message) as Record<string, unknown> });
  }
}

describe('reviews → labels → data set versions → training job requests', () => {
  let dir: string;
  let store: FilesystemObjectStore;
  let labels: InMemoryLabelStore;
  let versions: InMemoryDatasetVersionStore;
  let jobs: InMemoryTrainingJobRequests;
  let bus: RecordingBus;
  let production: { id: string; artifactKey: string; classes: string[] } | null;
  let requests: RequestTrainingJobUseCase;
  let versioner: DatasetVersioner;
  const labelled = { labelled: async () => undefined };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'argus-cft-'));
    store = new FilesystemObjectStore({ root: dir, bucket: 'argus' });
    await store.ensureBucket();
    labels = new InMemoryLabelStore();
    for (let n = 1; n <= 30; n++) labels.frames.set(uuid(n), { sha256: sha(n), width: 64, height: 64 });
    versions = new InMemoryDatasetVersionStore();
    jobs = new InMemoryTrainingJobRequests(versions);
    bus = new RecordingBus();
    production = { id: uuid(7, '8d00'), artifactKey: 'models/pcb/1', classes: ['short'] };
    versioner = new DatasetVersioner(versions, labels, store, { holdoutShare: 0.2 });
    requests = new RequestTrainingJobUseCase(
      { productionModelFor: async () => production, modelVersion: async (id: string) => (id === META.id ? META : null) },
      versioner,
      jobs,
      bus as unknown as MessageBus,
      {
        epochs: 3,
        seed: 1,
        announceAfterMs: 60_000,
      },
    );
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const record = (r: ReviewSubmittedV1) => new RecordReviewLabelUseCase(labels, labelled).execute(r);

  it('turns a review into its frame’s label, the latest review winning, the conflict kept', async () => {
    await record(review(1));
    const second = await record(
      review(1, { reviewId: uuid(99, 'a000'), occurredAt: '2026-12-07T11:00:00.000Z', decision: 'rejected', boxes: [] }),
    );
    expect(second.label).toMatchObject({ decision: 'rejected', kind: 'hard-negative' });
    expect(second.conflict?.reviews).toHaveLength(2);
    expect(labels.resolvedLabel(uuid(1))).toEqual(second);
    // The same review delivered again changes nothing.
    expect((await record(review(1))).label.reviewId).toBe(uuid(99, 'a000'));
  });

  it('refuses a review of a frame that is not stored', async () => {
    await expect(record(review(31))).rejects.toBeInstanceOf(UnknownFrameError);
  });

  it('requests a job on a new data set version, with its manifest in the object store and the request on the bus', async () => {
    for (let n = 1; n <= 10; n++) await record(review(n));
    const { job, dataset } = await requests.request({
      lineId: 'pcb-1',
      triggers: [{ kind: 'manual', reason: 'asked' }],
      requestedBy: 'ana',
    });
    expect(dataset).toMatchObject({ number: 1, parentId: null, producedBy: 'ana', holdoutShare: 0.2 });
    expect(dataset.counts.frames.train + dataset.counts.frames.holdout).toBe(10);
    // Content-addressed: a racing writer of the same number with other content writes other keys.
    expect(dataset.manifestKey).toBe(
      `datasets/pcb-1/1-${dataset.fingerprint.slice('sha256:'.length, 'sha256:'.length + 16)}/manifest.jsonl`,
    );
    const manifest = parseSampleManifest((await store.get(dataset.manifestKey)).toString('utf8'), 'm');
    expect(manifest.samples).toHaveLength(10);
    expect(JSON.parse((await store.get(dataset.cocoKey)).toString('utf8')).images).toHaveLength(10);
    expect(bus.sent).toEqual([
      {
        topic: 'training.job.requested.v1',
        message: expect.objectContaining({
          jobId: job.id,
          datasetVersionId: dataset.id,
          datasetFingerprint: dataset.fingerprint,
          manifestKey: dataset.manifestKey,
          baseModelVersionId: production!.id,
          baseArtifactKey: 'models/pcb/1',
          requestedBy: 'ana',
          epochs: 3,
        }),
      },
    ]);
    expect(jobs.jobs.get(job.id)!.announced).toBe(true);
  });

  it('makes the next version from the labels changed since, on its parent, and reuses it when nothing changed', async () => {
    for (let n = 1; n <= 10; n++) await record(review(n));
    const first = await requests.request({ lineId: 'pcb-1', triggers: [{ kind: 'manual', reason: 'x' }], requestedBy: 'ana' });
    jobs.finish(first.job.id);
    for (let n = 11; n <= 14; n++) await record(review(n));
    await record(review(2, { reviewId: uuid(98, 'a000'), occurredAt: '2026-12-07T12:00:00.000Z', decision: 'rejected', boxes: [] }));
    const second = await requests.request({ lineId: 'pcb-1', triggers: [{ kind: 'manual', reason: 'y' }], requestedBy: 'ana' });
    expect(second.dataset).toMatchObject({ number: 2, parentId: first.dataset.id });
    expect(second.dataset.changes).toEqual({ added: [11, 12, 13, 14].map((n) => uuid(n)), relabelled: [uuid(2)], unchanged: 9 });
    jobs.finish(second.job.id);
    const third = await requests.request({ lineId: 'pcb-1', triggers: [{ kind: 'manual', reason: 'z' }], requestedBy: 'ana' });
    expect(third.dataset.id).toBe(second.dataset.id);
    expect(versions.versions).toHaveLength(2);
  });

  it('refuses a second job while one is active, a line without a production model, and a line with no label', async () => {
    await expect(
      requests.request({ lineId: 'pcb-1', triggers: [{ kind: 'manual', reason: 'x' }], requestedBy: 'ana' }),
    ).rejects.toBeInstanceOf(NothingLabelledError);
    await record(review(1));
    await requests.request({ lineId: 'pcb-1', triggers: [{ kind: 'manual', reason: 'x' }], requestedBy: 'ana' });
    await expect(
      requests.request({ lineId: 'pcb-1', triggers: [{ kind: 'manual', reason: 'x' }], requestedBy: 'ana' }),
    ).rejects.toBeInstanceOf(JobAlreadyActiveError);
    production = null;
    await expect(
      requests.request({ lineId: 'pcb-2', triggers: [{ kind: 'manual', reason: 'x' }], requestedBy: 'ana' }),
    ).rejects.toBeInstanceOf(NoProductionModelError);
  });

  it('requests an adaptation of the named base on a line without a production model; the shots must be labelled frames of the version, with others left to evaluate', async () => {
    production = null;
    for (let n = 1; n <= 6; n++) await record(review(n));
    const adaptation = { start: 'meta' as const, baseModelVersionId: META.id, shotFrameIds: [uuid(1), uuid(2)], budgetSeconds: 60 };
    const ask = (over: Partial<typeof adaptation> = {}) =>
      requests.request({
        lineId: 'pcb-1',
        triggers: [{ kind: 'manual', reason: 'wizard' }],
        requestedBy: 'ana',
        adaptation: { ...adaptation, ...over },
      });
    await expect(ask({ shotFrameIds: [uuid(1), uuid(20)] })).rejects.toBeInstanceOf(ShotsNotLabelledError);
    await expect(ask({ shotFrameIds: [1, 2, 3, 4, 5, 6].map((n) => uuid(n)) })).rejects.toBeInstanceOf(ShotsNotLabelledError);
    await expect(ask({ baseModelVersionId: uuid(9, '8e00') })).rejects.toBeInstanceOf(BaseModelNotFoundError);
    const { job } = await ask();
    expect(job).toMatchObject({ baseModelVersionId: META.id, baseArtifactKey: META.artifactKey });
    expect(bus.sent).toHaveLength(1);
    expect(bus.sent[0]!.message).toMatchObject({
      jobId: job.id,
      baseModelVersionId: META.id,
      adaptation: { start: 'meta', shotFrameIds: [uuid(1), uuid(2)], budgetSeconds: 60 },
    });
    // Without an adaptation, the same line still needs a production model.
    await expect(
      requests.request({ lineId: 'pcb-2', triggers: [{ kind: 'manual', reason: 'x' }], requestedBy: 'ana' }),
    ).rejects.toBeInstanceOf(NoProductionModelError);
  });

  it('announces again a job a crash left recorded but unannounced', async () => {
    await record(review(1));
    const failing = {
      publish: async () => {
        throw new Error('broker down');
      },
    };
    const crashing = new RequestTrainingJobUseCase(
      { productionModelFor: async () => production, modelVersion: async (id: string) => (id === META.id ? META : null) },
      versioner,
      jobs,
      failing as unknown as MessageBus,
      {
        epochs: 3,
        seed: 1,
        announceAfterMs: 0,
      },
    );
    await expect(crashing.request({ lineId: 'pcb-1', triggers: [{ kind: 'manual', reason: 'x' }], requestedBy: 'ana' })).rejects.toThrow(
      'broker down',
    );
    const recovering = new RequestTrainingJobUseCase(
      { productionModelFor: async () => null, modelVersion: async () => null },
      versioner,
      jobs,
      bus as unknown as MessageBus,
      {
        epochs: 3,
        seed: 1,
        announceAfterMs: 0,
      },
    );
    expect(await recovering.announceStalled(new Date())).toBe(1);
    expect(bus.sent[0]!.message).toMatchObject({ baseArtifactKey: 'models/pcb/1' });
    expect(await recovering.announceStalled(new Date())).toBe(0);
  });

  it('asks for a job when a line’s policy fires, once, saying why', async () => {
    const policy: TriggerPolicy = { minNewLabelledFrames: 3, unknownClass: null, rejectRate: null, scoreShift: null, everyMs: null };
    let count = 0;
    const state = (): LineLearningState => ({
      now: new Date(),
      lastJobAt: null,
      productionSince: new Date('2026-11-01T00:00:00Z'),
      jobActive: false,
      newLabelledFrames: count,
      newLabelledClassFrames: {},
      productionClasses: ['short'],
      recentDecisions: [],
      scores: null,
    });
    const triggers = new EvaluateLineTriggersUseCase(
      { learningState: async () => state(), linesWithProductionModel: async () => ['pcb-1'] },
      { policyFor: async () => policy },
      requests,
      { info: () => undefined },
    );
    const useCase = new RecordReviewLabelUseCase(labels, triggers);
    for (let n = 1; n <= 3; n++) {
      count = n;
      await useCase.execute(review(n));
    }
    expect(bus.sent).toHaveLength(1);
    expect(bus.sent[0]!.message['triggers']).toEqual([{ kind: 'new-labels', reason: '3 frames labelled since the last job (policy: 3)' }]);
    count = 4;
    // The job is still queued: a further label finds the line's job and asks for no other.
    expect(await triggers.evaluate('pcb-1')).toMatchObject({ jobId: (bus.sent[0]!.message as { jobId: string }).jobId });
    expect(bus.sent).toHaveLength(1);
  });
});
