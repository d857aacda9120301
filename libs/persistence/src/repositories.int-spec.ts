import type { Detection } from '@argus/contracts';
import { createHash, randomUUID } from 'node:crypto';
import { AlertRepository } from './alert.repository';
import { AuditLogRepository } from './audit-log.repository';
import { databaseConfigFromEnv } from './database.config';
import { DetectionRepository } from './detection.repository';
import { FrameRepository, type IngestedFrame } from './frame.repository';
import { LineRepository } from './line.repository';
import { runMigrations } from './migrations.runner';
import { ModelRegistryRepository } from './model-registry.repository';
import {
  AlertNotFoundError,
  CameraNotFoundError,
  FrameNotFoundError,
  LineNotFoundError,
  ModelVersionConflictError,
  ModelVersionNotFoundError,
} from './persistence.errors';
import { ReviewRepository } from './review.repository';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.helper';
import { newModelVersionInput } from './testing/model-version.fixture';

/** Against the Postgres that `infra/local/infra.sh up` starts; this file gets its own database. */
describe('repositories against Postgres', () => {
  let db: ThrowawayDatabase;
  let lines: LineRepository;
  let frames: FrameRepository;
  let detections: DetectionRepository;
  let alerts: AlertRepository;
  let reviews: ReviewRepository;
  let registry: ModelRegistryRepository;
  let audit: AuditLogRepository;
  let seq = 0;

  beforeAll(async () => {
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env));
    await runMigrations(db.dataSource);
    lines = new LineRepository(db.dataSource);
    frames = new FrameRepository(db.dataSource);
    detections = new DetectionRepository(db.dataSource);
    alerts = new AlertRepository(db.dataSource);
    reviews = new ReviewRepository(db.dataSource);
    registry = new ModelRegistryRepository(db.dataSource);
    audit = new AuditLogRepository(db.dataSource);
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** Each test works on its own line, so tests share the database without seeing each other. */
  async function newLine(): Promise<{ lineId: string; cameraId: string }> {
    seq += 1;
    const lineId = `line-${seq}`;
    await lines.upsertLine({ id: lineId, name: `Line ${seq}` });
    await lines.addCamera({ lineId, id: 'cam-top', name: 'Top camera' });
    return { lineId, cameraId: 'cam-top' };
  }

  function frameInput(lineId: string, cameraId: string, content: string = randomUUID()): IngestedFrame {
    return {
      lineId,
      cameraId,
      objectKey: `${lineId}/${cameraId}/${randomUUID()}.png`,
      contentType: 'image/png',
      width: 640,
      height: 480,
      byteSize: 12_345,
      sha256: createHash('sha256').update(content).digest('hex'),
      capturedAt: new Date('2026-11-28T10:00:00.123Z'),
    };
  }

  const scratch: Detection = { className: 'scratch', score: 0.91, box: { x1: 10, y1: 20, x2: 110.5, y2: 220.25 } };
  const hole: Detection = { className: 'hole', score: 0.42, box: { x1: 300, y1: 40, x2: 320, y2: 60 } };

  describe('LineRepository', () => {
    it('round-trips a line with cameras, alert rules and a template', async () => {
      const line = await lines.upsertLine({
        id: 'line-cfg',
        name: 'Assembly 1',
        settings: { dedupWindowSeconds: 5, microBatch: { maxSize: 8, maxWaitMs: 40 } },
      });
      expect(line).toMatchObject({ id: 'line-cfg', name: 'Assembly 1', settings: { dedupWindowSeconds: 5 } });
      expect(line.createdAt).toBeInstanceOf(Date);

      const renamed = await lines.upsertLine({ id: 'line-cfg', name: 'Assembly One', settings: { dedupWindowSeconds: 9 } });
      expect(renamed.settings).toEqual({ dedupWindowSeconds: 9 });
      expect(renamed.createdAt).toEqual(line.createdAt);
      expect(renamed.updatedAt.getTime()).toBeGreaterThanOrEqual(line.updatedAt.getTime());

      await lines.addCamera({ lineId: 'line-cfg', id: 'cam-top', name: 'Top', settings: { exposureMs: 4 } });
      await lines.addCamera({ lineId: 'line-cfg', id: 'cam-side', name: 'Side' });
      await lines.addCamera({ lineId: 'line-cfg', id: 'cam-side', name: 'Side (left)' });
      await lines.setAlertRules('line-cfg', [
        { className: 'scratch', minScore: 0.6, minBoxAreaPx2: 100, severity: 'high' },
        { className: '*', minScore: 0.8, minBoxAreaPx2: 0, severity: 'low' },
      ]);
      await lines.setTemplate('line-cfg', { objectKey: 'templates/line-cfg/golden.png', width: 640, height: 480 });

      const full = await lines.findLineWithCameras('line-cfg');
      expect(full?.line.name).toBe('Assembly One');
      expect(full?.cameras.map((c) => [c.id, c.name])).toEqual([
        ['cam-side', 'Side (left)'],
        ['cam-top', 'Top'],
      ]);
      expect(full?.cameras[1]?.settings).toEqual({ exposureMs: 4 });
      expect(full?.alertRules).toEqual([
        { className: '*', minScore: 0.8, minBoxAreaPx2: 0, severity: 'low' },
        { className: 'scratch', minScore: 0.6, minBoxAreaPx2: 100, severity: 'high' },
      ]);
      expect(full?.template).toMatchObject({ lineId: 'line-cfg', objectKey: 'templates/line-cfg/golden.png', width: 640 });
      // What detection-inference reads per frame: the same rules and the settings, one round trip.
      expect(await lines.alertPolicyFor('line-cfg')).toEqual({
        lineId: 'line-cfg',
        settings: { dedupWindowSeconds: 9 },
        alertRules: full?.alertRules,
      });

      // Rules are replaced as a whole; the template can be cleared.
      await lines.setAlertRules('line-cfg', [{ className: 'hole', minScore: 0.5, minBoxAreaPx2: 0, severity: 'critical' }]);
      expect((await lines.alertRulesFor('line-cfg')).map((r) => r.className)).toEqual(['hole']);
      await lines.clearTemplate('line-cfg');
      expect(await lines.templateFor('line-cfg')).toBeNull();
      expect(await lines.findCamera('line-cfg', 'cam-top')).toMatchObject({ name: 'Top' });
      expect((await lines.listLines()).map((l) => l.id)).toContain('line-cfg');
    });

    it('names a missing line', async () => {
      expect(await lines.findLineWithCameras('no-such-line')).toBeNull();
      expect(await lines.alertPolicyFor('no-such-line')).toBeNull();
      await expect(lines.addCamera({ lineId: 'no-such-line', id: 'cam', name: 'x' })).rejects.toBeInstanceOf(LineNotFoundError);
      await expect(lines.setAlertRules('no-such-line', [])).rejects.toMatchObject({ code: 'line.not-found' });
      await expect(lines.setTemplate('no-such-line', { objectKey: 'k', width: 1, height: 1 })).rejects.toBeInstanceOf(LineNotFoundError);
    });

    it('keeps the old rules when a replacement is invalid (one transaction)', async () => {
      const { lineId } = await newLine();
      await lines.setAlertRules(lineId, [{ className: 'scratch', minScore: 0.5, minBoxAreaPx2: 0, severity: 'low' }]);
      await expect(lines.setAlertRules(lineId, [{ className: 'dent', minScore: 1.5, minBoxAreaPx2: 0, severity: 'low' }])).rejects.toThrow(
        /chk_line_alert_rule_min_score/,
      );
      expect((await lines.alertRulesFor(lineId)).map((r) => r.className)).toEqual(['scratch']);
    });
  });

  describe('FrameRepository', () => {
    it('records a frame and returns the same one when the camera sends the same bytes again', async () => {
      const { lineId, cameraId } = await newLine();
      const input = frameInput(lineId, cameraId);
      const first = await frames.recordIngested(input);
      expect(first.created).toBe(true);
      expect(first.frame).toMatchObject({
        lineId,
        cameraId,
        objectKey: input.objectKey,
        contentType: 'image/png',
        width: 640,
        height: 480,
        byteSize: 12_345,
        sha256: input.sha256,
        status: 'ingested',
        failureReason: null,
      });
      expect(first.frame.capturedAt).toEqual(input.capturedAt);

      const again = await frames.recordIngested({ ...input, id: randomUUID(), objectKey: `${lineId}/other.png` });
      expect(again.created).toBe(false);
      expect(again.frame.id).toBe(first.frame.id);
      expect(again.frame.objectKey).toBe(input.objectKey);
      expect(await frames.findByContent(lineId, cameraId, input.sha256)).toEqual(first.frame);
      // By id and content: only the frame with both.
      expect(await frames.findIngested(first.frame.id, lineId, cameraId, input.sha256)).toEqual(first.frame);
      expect(await frames.findIngested(first.frame.id, lineId, cameraId, 'e'.repeat(64))).toBeNull();
      expect(await frames.findIngested(randomUUID(), lineId, cameraId, input.sha256)).toBeNull();
    });

    it('keeps a caller-chosen id and tells frames from different cameras apart', async () => {
      const { lineId, cameraId } = await newLine();
      await lines.addCamera({ lineId, id: 'cam-side', name: 'Side' });
      const id = randomUUID();
      const top = await frames.recordIngested({ ...frameInput(lineId, cameraId, 'same-bytes'), id });
      const side = await frames.recordIngested(frameInput(lineId, 'cam-side', 'same-bytes'));
      expect(top.frame.id).toBe(id);
      expect(side.created).toBe(true);
      expect(side.frame.id).not.toBe(id);
    });

    it('refuses an unknown camera', async () => {
      const { lineId } = await newLine();
      await expect(frames.recordIngested(frameInput(lineId, 'cam-ghost'))).rejects.toBeInstanceOf(CameraNotFoundError);
    });

    it('marks frames failed with a reason, then processed', async () => {
      const { lineId, cameraId } = await newLine();
      const { frame } = await frames.recordIngested(frameInput(lineId, cameraId));
      const failed = await frames.markFailed(frame.id, 'image could not be decoded');
      expect(failed).toMatchObject({ status: 'failed', failureReason: 'image could not be decoded' });
      const processed = await frames.markProcessed(frame.id);
      expect(processed).toMatchObject({ status: 'processed', failureReason: null });
      expect(await frames.findById(frame.id)).toEqual(processed);
      await expect(frames.markFailed(randomUUID(), 'x')).rejects.toBeInstanceOf(FrameNotFoundError);
    });

    it('marks many frames processed in one statement and says which ones exist', async () => {
      const { lineId, cameraId } = await newLine();
      const a = (await frames.recordIngested(frameInput(lineId, cameraId))).frame;
      const b = (await frames.recordIngested(frameInput(lineId, cameraId))).frame;
      await frames.markFailed(b.id, 'transient');
      const ghost = randomUUID();
      const updated = await frames.markProcessedMany([a.id, b.id, ghost, a.id]);
      expect([...updated].sort()).toEqual([a.id, b.id].sort());
      expect(await frames.findById(b.id)).toMatchObject({ status: 'processed', failureReason: null });
      expect(await frames.findById(a.id)).toMatchObject({ status: 'processed' });
      expect(await frames.markProcessedMany([])).toEqual(new Set());
    });

    it('lists a camera’s frames newest first with a keyset cursor', async () => {
      const { lineId, cameraId } = await newLine();
      const base = Date.parse('2026-11-28T12:00:00.000Z');
      for (let i = 0; i < 5; i++) {
        await frames.recordIngested({ ...frameInput(lineId, cameraId), capturedAt: new Date(base + i * 1000) });
      }
      const page1 = await frames.listForCamera(lineId, cameraId, { limit: 2 });
      const last = page1[1];
      if (!last) throw new Error('expected two frames');
      const page2 = await frames.listForCamera(lineId, cameraId, { limit: 10, before: last });
      const times = [...page1, ...page2].map((f) => f.capturedAt.getTime() - base);
      expect(times).toEqual([4000, 3000, 2000, 1000, 0]);
    });
  });

  describe('ModelRegistryRepository: registration', () => {
    it('round-trips a model version and registers it idempotently', async () => {
      const parent = (await registry.register(newModelVersionInput())).version;
      const input = newModelVersionInput({ parentVersionId: parent.id, usesTemplate: true });
      const first = await registry.register(input);
      expect(first.created).toBe(true);
      expect(first.version).toMatchObject({
        name: 'pcb-detector',
        version: input.version,
        artifactKey: input.artifactKey,
        classes: ['scratch', 'hole'],
        spec: { inputSize: 320, anchors: [[10, 13]] },
        metrics: { mAP50: 0.81 },
        usesTemplate: true,
        parentVersionId: parent.id,
        trainingDataFingerprint: 'sha256:abc',
        backend: 'onnx',
      });
      const again = await registry.register(input);
      expect(again).toEqual({ version: first.version, created: false });
      expect(await registry.findVersion(first.version.id)).toEqual(first.version);
      expect(await registry.findByNameAndVersion('pcb-detector', input.version)).toEqual(first.version);
      expect((await registry.listVersions({ name: 'pcb-detector' })).map((v) => v.id)).toContain(parent.id);
    });

    it('refuses the same name and version with a different artifact, and an unknown parent', async () => {
      const input = newModelVersionInput();
      await registry.register(input);
      await expect(registry.register({ ...input, artifactKey: 'models/other.onnx' })).rejects.toBeInstanceOf(ModelVersionConflictError);
      await expect(registry.register(newModelVersionInput({ parentVersionId: randomUUID() }))).rejects.toBeInstanceOf(
        ModelVersionNotFoundError,
      );
    });
  });

  describe('DetectionRepository', () => {
    it('saves a frame’s detections once per model version, in order', async () => {
      const { lineId, cameraId } = await newLine();
      const { frame } = await frames.recordIngested(frameInput(lineId, cameraId));
      const model = (await registry.register(newModelVersionInput())).version;
      const shadow = (await registry.register(newModelVersionInput())).version;

      const first = await detections.saveForFrame(frame.id, model.id, [scratch, hole], { inferenceMs: 12.5 });
      expect(first.created).toBe(true);
      expect(first.inference).toMatchObject({ frameId: frame.id, modelVersionId: model.id, inferenceMs: 12.5 });
      expect(first.inference.detections.map(({ className, score, box, ordinal }) => ({ className, score, box, ordinal }))).toEqual([
        { ...scratch, ordinal: 0 },
        { ...hole, ordinal: 1 },
      ]);

      // A redelivered event: nothing new is written, the stored result comes back.
      const again = await detections.saveForFrame(frame.id, model.id, [scratch, hole, hole]);
      expect(again.created).toBe(false);
      expect(again.inference).toEqual(first.inference);
      const count = (await db.dataSource.query(`SELECT count(*)::int AS n FROM detection WHERE frame_id = $1`, [frame.id])) as {
        n: number;
      }[];
      expect(count[0]?.n).toBe(2);

      // Another model version scoring the same frame is a separate result; an empty one is kept too.
      await detections.saveForFrame(frame.id, shadow.id, []);
      const all = await detections.listForFrame(frame.id);
      expect(all.map((i) => [i.modelVersionId, i.detections.length])).toEqual([
        [model.id, 2],
        [shadow.id, 0],
      ]);
      expect(all[0]).toEqual(first.inference); // the one-statement listing gives what the save returned
      expect(await detections.findForFrame(frame.id, model.id)).toEqual(first.inference);

      // Many frames in one statement: the same results, and frames without any left out.
      const unscored = (await frames.recordIngested(frameInput(lineId, cameraId))).frame;
      const many = await detections.listForFrames([frame.id, unscored.id]);
      expect([...many.keys()]).toEqual([frame.id]);
      expect(many.get(frame.id)).toEqual(all);
      expect(await detections.listForFrame(unscored.id)).toEqual([]);
    });

    it('saves many frames in one statement: new ones written, a scored pair returned as stored', async () => {
      const { lineId, cameraId } = await newLine();
      const model = (await registry.register(newModelVersionInput())).version;
      const [a, b] = [
        (await frames.recordIngested(frameInput(lineId, cameraId))).frame,
        (await frames.recordIngested(frameInput(lineId, cameraId))).frame,
      ];
      const earlier = await detections.saveForFrame(a.id, model.id, [scratch]);
      const saved = await detections.saveForFrames([
        { frameId: a.id, modelVersionId: model.id, detections: [hole] },
        { frameId: b.id, modelVersionId: model.id, detections: [hole, scratch], inferenceMs: 3 },
        { frameId: b.id, modelVersionId: model.id, detections: [hole, scratch], inferenceMs: 3 },
      ]);
      expect(saved.map((s) => s.created)).toEqual([false, true, false]);
      expect(saved[0]?.inference).toEqual(earlier.inference);
      expect(saved[1]?.inference.detections.map((d) => d.className)).toEqual([hole.className, scratch.className]);
      expect(saved[2]?.inference).toEqual(saved[1]?.inference);
      expect((await detections.listForFrame(b.id))[0]).toEqual(saved[1]?.inference);
      // One unrecorded frame fails the whole statement, and nothing of it is written.
      const c = (await frames.recordIngested(frameInput(lineId, cameraId))).frame;
      await expect(
        detections.saveForFrames([
          { frameId: c.id, modelVersionId: model.id, detections: [hole] },
          { frameId: randomUUID(), modelVersionId: model.id, detections: [hole] },
        ]),
      ).rejects.toThrow();
      expect(await detections.listForFrame(c.id)).toEqual([]);
      await expect(detections.saveForFrames([{ frameId: randomUUID(), modelVersionId: model.id, detections: [] }])).rejects.toBeInstanceOf(
        FrameNotFoundError,
      );
    });

    it('writes one result when the same save races itself', async () => {
      const { lineId, cameraId } = await newLine();
      const { frame } = await frames.recordIngested(frameInput(lineId, cameraId));
      const model = (await registry.register(newModelVersionInput())).version;
      const results = await Promise.all(Array.from({ length: 4 }, () => detections.saveForFrame(frame.id, model.id, [scratch])));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.inference.detections[0]?.id)).size).toBe(1);
    });

    it('names a missing frame or model version', async () => {
      const { lineId, cameraId } = await newLine();
      const { frame } = await frames.recordIngested(frameInput(lineId, cameraId));
      const model = (await registry.register(newModelVersionInput())).version;
      await expect(detections.saveForFrame(randomUUID(), model.id, [])).rejects.toBeInstanceOf(FrameNotFoundError);
      await expect(detections.saveForFrame(frame.id, randomUUID(), [])).rejects.toBeInstanceOf(ModelVersionNotFoundError);
    });
  });

  describe('AlertRepository and ReviewRepository', () => {
    async function raised() {
      const { lineId, cameraId } = await newLine();
      const { frame } = await frames.recordIngested(frameInput(lineId, cameraId));
      const model = (await registry.register(newModelVersionInput())).version;
      const result = await alerts.raiseOnce({
        frameId: frame.id,
        lineId,
        cameraId,
        modelVersionId: model.id,
        severity: 'high',
        detections: [scratch],
      });
      return { lineId, cameraId, frame, model, ...result };
    }

    it('raises an alert once per frame and model version', async () => {
      const { alert, created, frame, model, lineId, cameraId } = await raised();
      expect(created).toBe(true);
      expect(alert).toMatchObject({
        frameId: frame.id,
        lineId,
        cameraId,
        modelVersionId: model.id,
        severity: 'high',
        status: 'open',
        detections: [scratch],
      });
      const again = await alerts.raiseOnce({
        id: randomUUID(),
        frameId: frame.id,
        lineId,
        cameraId,
        modelVersionId: model.id,
        severity: 'critical',
        detections: [scratch, hole],
      });
      expect(again).toEqual({ alert, created: false });
      expect(await alerts.findForFrame(frame.id)).toEqual([alert]);
      expect(await alerts.findById(alert.id)).toEqual(alert);
    });

    it('raises many alerts in one statement: new ones created, an existing one returned, answers in order', async () => {
      const { alert: existing, frame: alerted, model, lineId, cameraId } = await raised();
      const fresh = (await frames.recordIngested(frameInput(lineId, cameraId))).frame;
      const input = (frameId: string) => ({
        frameId,
        lineId,
        cameraId,
        modelVersionId: model.id,
        severity: 'high' as const,
        detections: [hole],
      });
      const results = await alerts.raiseEachOnce([input(fresh.id), input(alerted.id), input(fresh.id)]);
      expect(results.map((r) => r.created)).toEqual([true, false, false]);
      expect(results[1]?.alert).toEqual(existing);
      expect(results[2]?.alert).toEqual(results[0]?.alert);
      expect(results[0]?.alert).toMatchObject({ frameId: fresh.id, detections: [hole], status: 'open' });
      expect(await alerts.findForFrame(fresh.id)).toHaveLength(1);
      // One unrecorded frame fails the statement and nothing of it is written; alone, it is named.
      const other = (await frames.recordIngested(frameInput(lineId, cameraId))).frame;
      await expect(alerts.raiseEachOnce([input(other.id), input(randomUUID())])).rejects.toThrow();
      expect(await alerts.findForFrame(other.id)).toEqual([]);
      await expect(alerts.raiseEachOnce([input(randomUUID())])).rejects.toBeInstanceOf(FrameNotFoundError);
    });

    it('raises one alert when the same raise races itself (each call gets that alert back)', async () => {
      const { lineId, cameraId } = await newLine();
      const { frame } = await frames.recordIngested(frameInput(lineId, cameraId));
      const model = (await registry.register(newModelVersionInput())).version;
      const results = await Promise.all(
        Array.from({ length: 4 }, () =>
          alerts.raiseOnce({ frameId: frame.id, lineId, cameraId, modelVersionId: model.id, severity: 'high', detections: [scratch] }),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.alert.id)).size).toBe(1);
      expect(results[0]?.alert.createdAt).toBeInstanceOf(Date);
    });

    it('lists a line’s open alerts newest first, page by page', async () => {
      const { lineId, cameraId } = await newLine();
      const model = (await registry.register(newModelVersionInput())).version;
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const { frame } = await frames.recordIngested(frameInput(lineId, cameraId));
        const { alert } = await alerts.raiseOnce({
          frameId: frame.id,
          lineId,
          cameraId,
          modelVersionId: model.id,
          severity: 'low',
          detections: [hole],
        });
        ids.push(alert.id);
      }
      await reviews.record({ alertId: ids[1] ?? '', reviewerId: randomUUID(), decision: 'rejected', alertStatus: 'rejected', boxes: [] });
      const expected = ids.filter((_, i) => i !== 1).reverse();

      const page1 = await alerts.findOpenAlertsForLine(lineId, { limit: 2 });
      const cursor = page1[page1.length - 1];
      if (!cursor) throw new Error('expected a first page');
      const page2 = await alerts.findOpenAlertsForLine(lineId, { limit: 10, before: cursor });
      expect([...page1, ...page2].map((a) => a.id)).toEqual(expected);
      expect(await alerts.countOpenForLine(lineId)).toBe(4);
      const otherLine = await newLine();
      expect(await alerts.findOpenAlertsForLine(otherLine.lineId)).toEqual([]);
    });

    it('records several reviews, the latest deciding the alert’s status', async () => {
      const { alert } = await raised();
      const reviewerA = randomUUID();
      const reviewerB = randomUUID();
      const first = await reviews.record({
        alertId: alert.id,
        reviewerId: reviewerA,
        decision: 'confirmed',
        alertStatus: 'confirmed',
        boxes: [{ className: 'scratch', box: scratch.box }],
        comment: 'clear scratch',
      });
      expect(first.created).toBe(true);
      expect(first.alert.status).toBe('confirmed');
      expect(first.review).toMatchObject({
        alertId: alert.id,
        reviewerId: reviewerA,
        decision: 'confirmed',
        boxes: [{ className: 'scratch', box: scratch.box }],
        comment: 'clear scratch',
      });
      const second = await reviews.record({
        alertId: alert.id,
        reviewerId: reviewerB,
        decision: 'rejected',
        alertStatus: 'rejected',
        boxes: [],
      });
      expect(second.alert.status).toBe('rejected');
      const history = await reviews.reviewsFor(alert.id);
      expect(history.map((r) => [r.reviewerId, r.decision])).toEqual([
        [reviewerA, 'confirmed'],
        [reviewerB, 'rejected'],
      ]);
      expect(history[1]?.comment).toBeNull();
    });

    it('records a retried review submission once', async () => {
      const { alert } = await raised();
      const input = {
        id: randomUUID(),
        alertId: alert.id,
        reviewerId: randomUUID(),
        decision: 'corrected' as const,
        alertStatus: 'corrected' as const,
        boxes: [{ className: 'hole', box: hole.box }],
      };
      const first = await reviews.record(input);
      const retry = await reviews.record(input);
      expect(retry.created).toBe(false);
      expect(retry.review).toEqual(first.review);
      expect(await reviews.reviewsFor(alert.id)).toHaveLength(1);
      await expect(
        reviews.record({ alertId: randomUUID(), reviewerId: randomUUID(), decision: 'rejected', alertStatus: 'rejected', boxes: [] }),
      ).rejects.toBeInstanceOf(AlertNotFoundError);
    });
  });

  describe('AuditLogRepository', () => {
    it('appends and lists entries for a subject, newest first', async () => {
      const subjectId = `line-audit-${randomUUID()}`;
      const first = await audit.append({
        actor: 'alice',
        action: 'line.alert-rules.changed',
        subjectType: 'production_line',
        subjectId,
        before: { rules: [] },
        after: { rules: [{ className: 'scratch' }] },
      });
      expect(first).toMatchObject({ actor: 'alice', subjectId, before: { rules: [] } });
      expect(typeof first.id).toBe('string');
      const second = await audit.append({ actor: 'bob', action: 'line.renamed', subjectType: 'production_line', subjectId });
      expect(second.before).toBeNull();
      expect((await audit.listFor('production_line', subjectId)).map((e) => e.id)).toEqual([second.id, first.id]);
      expect((await audit.listFor('production_line', subjectId, { beforeId: second.id })).map((e) => e.id)).toEqual([first.id]);
    });

    it('refuses UPDATE, DELETE and TRUNCATE at the database', async () => {
      const entry = await audit.append({ actor: 'alice', action: 'x.done', subjectType: 't', subjectId: 's' });
      await expect(db.dataSource.query(`UPDATE audit_log SET actor = 'mallory' WHERE id = $1`, [entry.id])).rejects.toThrow(
        'audit_log is append-only: UPDATE refused',
      );
      await expect(db.dataSource.query(`DELETE FROM audit_log WHERE id = $1`, [entry.id])).rejects.toThrow(
        'audit_log is append-only: DELETE refused',
      );
      await expect(db.dataSource.query(`TRUNCATE audit_log`)).rejects.toThrow('audit_log is append-only: TRUNCATE refused');
      expect((await audit.listFor('t', 's'))[0]).toEqual(entry);
    });
  });
});
