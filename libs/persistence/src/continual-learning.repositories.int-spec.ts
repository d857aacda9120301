import { createHash, randomUUID } from 'node:crypto';
import { databaseConfigFromEnv } from './database.config';
import { DatasetVersionRepository, type NewDatasetVersionRecord } from './dataset-version.repository';
import { type FrameLabelRecord, FrameLabelRepository } from './frame-label.repository';
import { LineLearningStateQuery } from './line-learning-state.query';
import { LineRepository } from './line.repository';
import { runMigrations } from './migrations.runner';
import { ModelRegistryRepository } from './model-registry.repository';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.helper';
import { type NewTrainingJob, TrainingJobRepository } from './training-job.repository';
import { storedTestFrame } from './testing/frame.fixture';

function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value');
  return value;
}

/** Against the Postgres that `infra/local/infra.sh up` starts; this file gets its own database. */
describe('continual-learning repositories against Postgres', () => {
  let db: ThrowawayDatabase;
  let modelVersionId: string;
  let labels: FrameLabelRepository;
  let datasets: DatasetVersionRepository;
  let jobs: TrainingJobRepository;
  const sha = (seed: string) => createHash('sha256').update(seed).digest('hex');
  const fingerprint = (seed: string) => `sha256:${sha(seed)}`;

  beforeAll(async () => {
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env));
    await runMigrations(db.dataSource);
    const lines = new LineRepository(db.dataSource);
    for (const lineId of ['line-1', 'line-2', 'line-3']) {
      await lines.upsertLine({ id: lineId, name: lineId });
      await lines.addCamera({ lineId, id: 'cam-a', name: 'A' });
    }
    const { version } = await new ModelRegistryRepository(db.dataSource).register({
      name: 'm',
      version: '1',
      artifactKey: 'models/m/1',
      classes: ['scratch', 'dent'],
      backend: 'onnx',
    });
    modelVersionId = version.id;
    labels = new FrameLabelRepository(db.dataSource);
    datasets = new DatasetVersionRepository(db.dataSource);
    jobs = new TrainingJobRepository(db.dataSource);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const storedFrame = (lineId = 'line-1') => storedTestFrame(db.dataSource, lineId);

  function label(frameId: string, overrides: Partial<FrameLabelRecord> = {}): FrameLabelRecord {
    return {
      frameId,
      lineId: 'line-1',
      cameraId: 'cam-a',
      reviewId: randomUUID(),
      reviewerId: randomUUID(),
      decision: 'corrected',
      boxes: [{ className: 'scratch', box: { x1: 1, y1: 2, x2: 10, y2: 20 } }],
      kind: 'defects',
      objectKey: `line-1/cam-a/${frameId}.png`,
      templateKey: null,
      reviewedAt: '2026-03-01T08:00:00.000Z',
      ...overrides,
    };
  }

  function version(lineId: string, number: number, parentId: string | null = null): NewDatasetVersionRecord {
    return {
      lineId,
      number,
      parentId,
      fingerprint: fingerprint(`${lineId}@${number}`),
      holdoutShare: 0.2,
      classes: ['scratch'],
      counts: {
        frames: { train: 4, holdout: 1 },
        hardNegatives: { train: 1, holdout: 0 },
        perClass: { scratch: { trainFrames: 3, holdoutFrames: 1, trainBoxes: 3, holdoutBoxes: 1 } },
      },
      changes: { added: ['a'], relabelled: [], unchanged: 0 },
      contentKey: `datasets/${lineId}/${number}/version.json`,
      manifestKey: `datasets/${lineId}/${number}/manifest.jsonl`,
      cocoKey: `datasets/${lineId}/${number}/coco.json`,
      producedBy: 'policy',
    };
  }

  function newJob(lineId: string, datasetVersionId: string): NewTrainingJob {
    return {
      id: randomUUID(),
      lineId,
      datasetVersionId,
      baseModelVersionId: modelVersionId,
      baseArtifactKey: 'models/m/1',
      triggers: [{ kind: 'new-labels', reason: '50 frames labelled' }],
      requestedBy: 'policy',
      epochs: 8,
      seed: 7,
    };
  }

  describe('FrameLabelRepository', () => {
    it('records a review once and returns every label of the frame, oldest first', async () => {
      const frameId = await storedFrame();
      const first = label(frameId, { reviewedAt: '2026-03-01T08:00:00.000Z' });
      const second = label(frameId, { reviewedAt: '2026-03-01T09:00:00.000Z', decision: 'rejected', boxes: [], kind: 'hard-negative' });
      expect(await labels.record(second)).toEqual([second]);
      expect(await labels.record(first)).toEqual([first, second]);
      expect(await labels.record(first)).toEqual([first, second]);
      expect(await labels.record({ ...second, decision: 'confirmed' })).toEqual([first, second]);
    });

    it('answers null for a frame that is not stored, also under a review id recorded before', async () => {
      expect(await labels.record(label(randomUUID()))).toBeNull();
      const recorded = label(await storedFrame());
      await labels.record(recorded);
      expect(await labels.record({ ...recorded, frameId: randomUUID() })).toBeNull();
    });

    it('upserts the resolved label; changed_at moves only when the label or its conflict changes', async () => {
      const frameId = await storedFrame();
      const first = label(frameId);
      const changedAt = async () =>
        (await db.dataSource.query<{ changed_at: Date }>(`SELECT changed_at FROM labelled_frame WHERE frame_id = $1`, [frameId]))[0]
          ?.changed_at;
      await labels.saveResolved({ label: first, conflict: null });
      const before = await changedAt();
      await labels.saveResolved({ label: first, conflict: null });
      expect(await changedAt()).toEqual(before);
      const second = label(frameId, { decision: 'rejected', boxes: [], kind: 'hard-negative', reviewedAt: '2026-03-01T09:00:00.000Z' });
      const conflict = {
        frameId,
        reviews: [first, second].map(({ reviewId, reviewerId, decision, reviewedAt, boxes }) => ({
          reviewId,
          reviewerId,
          decision,
          reviewedAt,
          boxes,
        })),
        winnerReviewId: second.reviewId,
        rule: 'latest-review-wins',
      };
      await new Promise((resolve) => setTimeout(resolve, 5));
      await labels.saveResolved({ label: second, conflict });
      expect(must(await changedAt()).getTime()).toBeGreaterThan(must(before).getTime());
      const [row] = await db.dataSource.query<{ winner_review_id: string }>(
        `SELECT winner_review_id FROM labelled_frame WHERE frame_id = $1`,
        [frameId],
      );
      expect(row?.winner_review_id).toBe(second.reviewId);
      const resolved = (await labels.labelsOf('line-1')).find((l) => l.resolved.label.frameId === frameId);
      expect(resolved?.resolved).toEqual({ label: second, conflict });
    });

    it("lists every resolved label of a line with its frame's hash and size, by frame id", async () => {
      const frameA = await storedFrame('line-2');
      const frameB = await storedFrame('line-2');
      const a = label(frameA, { lineId: 'line-2' });
      const b = label(frameB, { lineId: 'line-2', decision: 'rejected', boxes: [], kind: 'hard-negative' });
      await labels.saveResolved({ label: a, conflict: null });
      await labels.saveResolved({ label: b, conflict: null });
      const listed = await labels.labelsOf('line-2');
      const [shaA] = await db.dataSource.query<{ sha256: string }>(`SELECT sha256 FROM frame WHERE id = $1`, [frameA]);
      expect(listed.map((l) => l.resolved.label.frameId)).toEqual([frameA, frameB].sort());
      expect(listed.find((l) => l.resolved.label.frameId === frameA)).toEqual({
        resolved: { label: a, conflict: null },
        frame: { sha256: must(shaA).sha256, width: 64, height: 48 },
      });
      expect(await labels.labelsOf('line-3')).toEqual([]);
    });
  });

  describe('DatasetVersionRepository', () => {
    it('numbers versions per line: a taken number answers null; latest, find and list read them back', async () => {
      expect(await datasets.latest('line-3')).toBeNull();
      const first = must(await datasets.create(version('line-3', 1)));
      expect(first).toMatchObject({ ...version('line-3', 1), id: expect.any(String) });
      expect(first.createdAt).toBeInstanceOf(Date);
      expect(await datasets.create({ ...version('line-3', 1), fingerprint: fingerprint('other') })).toBeNull();
      const second = await datasets.create(version('line-3', 2, first.id));
      expect(await datasets.latest('line-3')).toEqual(second);
      expect(await datasets.find(first.id)).toEqual(first);
      expect(await datasets.find(randomUUID())).toBeNull();
      expect((await datasets.listForLine('line-3')).map((v) => v.number)).toEqual([2, 1]);
    });
  });

  describe('TrainingJobRepository', () => {
    let datasetId: string;
    beforeAll(async () => {
      datasetId = must(await datasets.create(version('line-2', 1))).id;
    });
    async function finishAll(lineId: string) {
      const active = await jobs.activeJob(lineId);
      if (active) await jobs.fail(active.id, { status: 'failed', errorCode: 'test', reason: 'cleanup', attempt: 1 });
    }

    it('keeps one queued or running job per line; an ended job frees the line', async () => {
      const first = newJob('line-2', datasetId);
      expect(await jobs.create(first)).toEqual({ created: true });
      expect(await jobs.activeJob('line-2')).toEqual({ id: first.id });
      expect(await jobs.create(newJob('line-2', datasetId))).toEqual({ created: false, activeJobId: first.id });
      expect(await jobs.claim(first.id, 'worker-a')).toEqual({ kind: 'run', attempt: 1 });
      expect(await jobs.create(newJob('line-2', datasetId))).toEqual({ created: false, activeJobId: first.id });
      expect(await jobs.fail(first.id, { status: 'failed', errorCode: 'job.training-failed', reason: 'boom', attempt: 1 })).toBe(
        'recorded',
      );
      expect(await jobs.activeJob('line-2')).toBeNull();
      const next = newJob('line-2', datasetId);
      expect(await jobs.create(next)).toEqual({ created: true });
      await finishAll('line-2');
    });

    it('answers the queued jobs never announced, with their data set, until they are announced', async () => {
      const job = newJob('line-2', datasetId);
      await jobs.create(job);
      const later = new Date(Date.now() + 60_000);
      expect(await jobs.unannounced(new Date(Date.now() - 60_000))).toEqual([]);
      expect(await jobs.unannounced(later)).toEqual([
        { job, dataset: { id: datasetId, fingerprint: fingerprint('line-2@1'), manifestKey: 'datasets/line-2/1/manifest.jsonl' } },
      ]);
      await jobs.markAnnounced(job.id);
      expect(await jobs.unannounced(later)).toEqual([]);
      expect((await jobs.find(job.id))?.announcedAt).toBeInstanceOf(Date);
      await finishAll('line-2');
    });

    it('keeps an adaptation job’s adaptation (the new-line wizard), so re-announcing it after a crash asks for the same adaptation', async () => {
      const adaptation = { start: 'meta' as const, shotFrameIds: [randomUUID(), randomUUID()], budgetSeconds: 90 };
      const job = { ...newJob('line-2', datasetId), adaptation };
      await jobs.create(job);
      const [unannounced] = await jobs.unannounced(new Date(Date.now() + 60_000));
      expect(unannounced?.job).toEqual(job);
      expect((await jobs.find(job.id))?.adaptation).toEqual(adaptation);
      await finishAll('line-2');
    });

    it('claims, records progress and completes; a redelivery after completion answers the outcome; the first outcome stands', async () => {
      const job = newJob('line-2', datasetId);
      await jobs.create(job);
      expect(await jobs.claim(job.id, 'worker-a')).toEqual({ kind: 'run', attempt: 1 });
      // A redelivery to another worker while the first one ran (its session expired): attempt 2.
      expect(await jobs.claim(job.id, 'worker-b')).toEqual({ kind: 'run', attempt: 2 });
      const progress = {
        phase: 'training',
        step: 3,
        totalSteps: 8,
        losses: { total: 0.5 },
        validationAp: null,
        etaSeconds: 12,
        message: null,
      };
      await jobs.recordProgress(job.id, progress);
      expect(await jobs.find(job.id)).toMatchObject({ status: 'running', attempt: 2, workerId: 'worker-b', progress });
      expect(await jobs.cancelRequested(job.id)).toBe(false);
      const outcome = {
        status: 'completed' as const,
        candidate: { modelVersionId, name: 'm', version: 'ft-1' },
        gates: { passed: true, reasons: [] },
        durationMs: 1234,
      };
      expect(await jobs.complete(job.id, outcome, { modelVersionId, gatesPassed: true })).toBe('recorded');
      expect(await jobs.fail(job.id, { status: 'failed', errorCode: 'job.training-failed', reason: 'late', attempt: 1 })).toBe(
        'already-finished',
      );
      expect(await jobs.complete(job.id, { ...outcome, durationMs: 1 }, { modelVersionId, gatesPassed: false })).toBe('already-finished');
      expect(await jobs.claim(job.id, 'worker-c')).toEqual({ kind: 'finished', outcome });
      await jobs.recordProgress(job.id, { ...progress, step: 8 });
      const stored = await jobs.find(job.id);
      expect(stored).toMatchObject({
        status: 'completed',
        attempt: 2,
        outcome,
        candidateModelVersionId: modelVersionId,
        gatesPassed: true,
        progress,
      });
      expect(stored?.finishedAt).toBeInstanceOf(Date);
      expect(stored?.startedAt).toBeInstanceOf(Date);
      expect(await jobs.requestCancel(job.id)).toBe(false);
      expect(await jobs.activeJob('line-2')).toBeNull();
    });

    it('cancels: a job cancelled before a worker claims it answers cancelled (the attempt counts), then records its end', async () => {
      const job = newJob('line-2', datasetId);
      await jobs.create(job);
      expect(await jobs.requestCancel(job.id)).toBe(true);
      expect(await jobs.cancelRequested(job.id)).toBe(true);
      expect(await jobs.claim(job.id, 'worker-a')).toEqual({ kind: 'cancelled', attempt: 1 });
      const outcome = { status: 'cancelled' as const, errorCode: 'job.cancelled', reason: 'cancelled before it started', attempt: 1 };
      expect(await jobs.fail(job.id, outcome)).toBe('recorded');
      expect(await jobs.find(job.id)).toMatchObject({ status: 'cancelled', outcome, candidateModelVersionId: null, gatesPassed: null });
      expect(await jobs.claim(job.id, 'worker-b')).toEqual({ kind: 'finished', outcome });
    });

    it('cancels a running job; answers null / unknown for a job that does not exist', async () => {
      const job = newJob('line-2', datasetId);
      await jobs.create(job);
      await jobs.claim(job.id, 'worker-a');
      expect(await jobs.requestCancel(job.id)).toBe(true);
      expect(await jobs.cancelRequested(job.id)).toBe(true);
      expect(
        await jobs.fail(job.id, { status: 'cancelled', errorCode: 'job.cancelled', reason: 'cancelled while training', attempt: 1 }),
      ).toBe('recorded');
      const unknown = randomUUID();
      expect(await jobs.claim(unknown, 'worker-a')).toBeNull();
      expect(await jobs.cancelRequested(unknown)).toBeNull();
      expect(await jobs.requestCancel(unknown)).toBe(false);
      expect(await jobs.fail(unknown, { status: 'failed', errorCode: 'x', reason: 'y', attempt: 1 })).toBe('unknown');
      expect(await jobs.find(unknown)).toBeNull();
      expect((await jobs.listForLine('line-2')).length).toBeGreaterThanOrEqual(5);
    });
  });

  describe('LineLearningStateQuery', () => {
    it('reads a line: null without a production model; labels since the last job, production classes, decisions, scores', async () => {
      const state = new LineLearningStateQuery(db.dataSource);
      const lineId = 'line-4';
      await new LineRepository(db.dataSource).upsertLine({ id: lineId, name: lineId });
      await new LineRepository(db.dataSource).addCamera({ lineId, id: 'cam-a', name: 'A' });
      expect(await state.stateOf(lineId, { decisions: 10, scoreFrames: 100 })).toBeNull();
      const registry = new ModelRegistryRepository(db.dataSource);
      await registry.movePointer({
        lineId,
        fromVersionId: null,
        toVersionId: modelVersionId,
        kind: 'promotion',
        promotedBy: 'test',
        reason: 'test',
        previousPromotionId: null,
      });
      expect(await state.linesWithProductionModel()).toContain(lineId);

      const scored = async (score: number | null) => {
        const frameId = await storedFrame(lineId);
        await db.dataSource.query(`INSERT INTO frame_inference (frame_id, model_version_id, detection_count) VALUES ($1, $2, $3)`, [
          frameId,
          modelVersionId,
          score === null ? 0 : 1,
        ]);
        if (score !== null) {
          await db.dataSource.query(
            `INSERT INTO detection (frame_id, model_version_id, ordinal, class_name, score, x1, y1, x2, y2) VALUES ($1, $2, 0, 'scratch', $3, 1, 1, 5, 5)`,
            [frameId, modelVersionId, score],
          );
        }
        return frameId;
      };
      const old = await scored(0.9);
      await labels.saveResolved({ label: label(old, { lineId }), conflict: null });
      await scored(null);
      const fresh = await state.stateOf(lineId, { decisions: 10, scoreFrames: 100 });
      expect(fresh).toEqual({
        lastJobAt: null,
        productionSince: expect.any(Date),
        jobActive: false,
        newLabelledFrames: 1,
        newLabelledClassFrames: { scratch: 1 },
        productionClasses: ['scratch', 'dent'],
        recentDecisions: [],
        scores: null,
      });

      const dataset = must(await datasets.create(version(lineId, 1)));
      const job = newJob(lineId, dataset.id);
      await jobs.create(job);
      expect(await state.stateOf(lineId, { decisions: 0, scoreFrames: null })).toMatchObject({
        jobActive: true,
        newLabelledFrames: 0,
        newLabelledClassFrames: {},
        scores: null,
      });
      await jobs.fail(job.id, { status: 'failed', errorCode: 'x', reason: 'y', attempt: 1 });
      await new Promise((resolve) => setTimeout(resolve, 5));

      const recent = await scored(0.4);
      await labels.saveResolved({
        label: label(recent, { lineId, boxes: [{ className: 'crack', box: { x1: 1, y1: 1, x2: 4, y2: 4 } }] }),
        conflict: null,
      });
      for (const [i, decision] of (['confirmed', 'rejected', 'rejected'] as const).entries()) {
        const [alert] = await db.dataSource.query<{ id: string }>(
          `INSERT INTO alert (frame_id, line_id, camera_id, model_version_id, severity, status, detections, created_at)
           VALUES ($1, $2, 'cam-a', $3, 'high', $4, '[]'::jsonb, now() + make_interval(secs => $5)) RETURNING id`,
          [await scored(0.5), lineId, modelVersionId, decision, i],
        );
        await db.dataSource.query(`INSERT INTO review (alert_id, reviewer_id, decision) VALUES ($1, $2, $3)`, [
          must(alert).id,
          randomUUID(),
          decision,
        ]);
      }
      const after = await state.stateOf(lineId, { decisions: 2, scoreFrames: 100 });
      expect(after).toMatchObject({
        lastJobAt: expect.any(Date),
        productionSince: expect.any(Date),
        jobActive: false,
        newLabelledFrames: 1,
        newLabelledClassFrames: { crack: 1 },
        recentDecisions: ['rejected', 'rejected'],
      });
      expect([...must(must(after).scores).reference].sort()).toEqual([0, 0.9]);
      expect([...must(must(after).scores).recent].sort()).toEqual([0.4, 0.5, 0.5, 0.5]);
      expect((await state.stateOf(lineId, { decisions: 10, scoreFrames: 1 }))?.scores).toEqual({ reference: [0], recent: [0.5] });
    });
  });
});
