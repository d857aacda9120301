import { randomUUID } from 'node:crypto';
import { databaseConfigFromEnv } from './database.config';
import { DetectionRepository } from './detection.repository';
import { FrameLabelRepository } from './frame-label.repository';
import { LineRepository } from './line.repository';
import { runMigrations } from './migrations.runner';
import { ModelRegistryRepository } from './model-registry.repository';
import { ShadowModelRepository } from './shadow-model.repository';
import { ShadowStatsQuery } from './shadow-stats.query';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.helper';
import { storedTestFrame } from './testing/frame.fixture';

/** Against the Postgres that `infra/local/infra.sh up` starts; this file gets its own database. */
describe('shadow models against Postgres', () => {
  let db: ThrowawayDatabase;
  let registry: ModelRegistryRepository;
  let shadows: ShadowModelRepository;
  let stats: ShadowStatsQuery;
  let production: string;
  let candidate: string;
  let newer: string;
  const box = (x1: number, y1: number, x2: number, y2: number) => ({ x1, y1, x2, y2 });

  beforeAll(async () => {
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env));
    await runMigrations(db.dataSource);
    const lines = new LineRepository(db.dataSource);
    for (const lineId of ['line-1', 'line-2']) {
      await lines.upsertLine({ id: lineId, name: lineId });
      await lines.addCamera({ lineId, id: 'cam-a', name: 'A' });
    }
    await lines.setAlertRules('line-1', [
      { className: 'short', minScore: 0.5, minBoxAreaPx2: 0, severity: 'high' },
      { className: '*', minScore: 0.6, minBoxAreaPx2: 0, severity: 'low' },
    ]);
    registry = new ModelRegistryRepository(db.dataSource);
    const register = async (version: string) =>
      (await registry.register({ name: 'pcb', version, artifactKey: `models/pcb/${version}`, classes: ['short', 'open'], backend: 'onnx' }))
        .version.id;
    production = await register('1');
    candidate = await register('2');
    newer = await register('3');
    await registry.movePointer({
      lineId: 'line-1',
      fromVersionId: null,
      toVersionId: production,
      kind: 'promotion',
      promotedBy: 'test',
      reason: 'first',
      previousPromotionId: null,
    });
    shadows = new ShadowModelRepository(db.dataSource);
    stats = new ShadowStatsQuery(db.dataSource);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const storedFrame = (lineId = 'line-1') => storedTestFrame(db.dataSource, lineId);

  it('keeps one shadow per line: set, repeated (no change), replaced by a newer one, ended', async () => {
    expect(await shadows.setShadow({ lineId: 'line-2', modelVersionId: candidate, setBy: 'test', reason: 'gates passed' })).toEqual({
      changed: true,
      previousModelVersionId: null,
    });
    expect(await shadows.setShadow({ lineId: 'line-2', modelVersionId: candidate, setBy: 'test', reason: 'again' })).toEqual({
      changed: false,
      previousModelVersionId: null,
    });
    expect((await shadows.shadowModelFor('line-2'))?.id).toBe(candidate);
    expect(await shadows.setShadow({ lineId: 'line-2', modelVersionId: newer, setBy: 'test', reason: 'newer' })).toEqual({
      changed: true,
      previousModelVersionId: candidate,
    });
    expect(await shadows.current('line-2')).toMatchObject({ modelVersionId: newer, setBy: 'test', reason: 'newer' });
    expect(await shadows.endShadow('line-2')).toBe(newer);
    expect(await shadows.shadowModelFor('line-2')).toBeNull();
    expect(await shadows.endShadow('line-2')).toBeNull();
  });

  it('stores a shadow result once per frame and version, and says when the frame is gone', async () => {
    const frameId = await storedFrame();
    const found = [{ className: 'short', score: 0.9, box: box(1, 1, 9, 9) }];
    const input = { frameId, lineId: 'line-1', modelVersionId: candidate, detections: found, inferenceMs: 12 };
    expect(await shadows.saveDetections(input)).toBe('stored');
    expect(await shadows.saveDetections({ ...input, detections: [] })).toBe('existed');
    expect(await shadows.detectionsFor(frameId, candidate)).toEqual(found);
    expect(await shadows.saveDetections({ ...input, frameId: randomUUID() })).toBe('frame-missing');
    // Nothing of it is a frame result.
    expect(await new DetectionRepository(db.dataSource).listForFrame(frameId)).toEqual([]);
  });

  it('reads the frames both scored, with ground truth where reviewed, and the versions that shadowed the line', async () => {
    await shadows.setShadow({ lineId: 'line-1', modelVersionId: newer, setBy: 'continual-fine-tune', reason: 'gates passed' });
    const detections = new DetectionRepository(db.dataSource);
    const reviewed = await storedFrame();
    const unreviewed = await storedFrame();
    const shadowOnly = await storedFrame(); // production has not written it yet: not compared
    await detections.saveForFrame(reviewed, production, [{ className: 'short', score: 0.8, box: box(1, 1, 9, 9) }], { inferenceMs: 5 });
    await detections.saveForFrame(unreviewed, production, [], { inferenceMs: 5 });
    for (const frameId of [reviewed, unreviewed, shadowOnly]) {
      await shadows.saveDetections({
        frameId,
        lineId: 'line-1',
        modelVersionId: newer,
        detections: [{ className: 'open', score: 0.7, box: box(20, 20, 30, 30) }],
        inferenceMs: 6,
      });
    }
    const groundTruth = [{ className: 'open', box: box(20, 20, 30, 30) }];
    await new FrameLabelRepository(db.dataSource).saveResolved({
      label: {
        frameId: reviewed,
        lineId: 'line-1',
        cameraId: 'cam-a',
        reviewId: randomUUID(),
        reviewerId: randomUUID(),
        decision: 'corrected',
        boxes: groundTruth,
        kind: 'defects',
        objectKey: 'x.png',
        templateKey: null,
        reviewedAt: new Date().toISOString(),
      },
      conflict: null,
    });

    const comparison = await stats.comparison('line-1', newer);
    expect(comparison.thresholds).toEqual({ short: 0.5, '*': 0.6 });
    expect(comparison.frames.map((f) => f.frameId).sort()).toEqual([reviewed, unreviewed].sort());
    const reviewedRow = comparison.frames.find((f) => f.frameId === reviewed);
    expect(reviewedRow).toEqual({
      frameId: reviewed,
      productionModelVersionId: production,
      production: [{ className: 'short', score: 0.8, box: box(1, 1, 9, 9) }],
      shadow: [{ className: 'open', score: 0.7, box: box(20, 20, 30, 30) }],
      groundTruth,
    });
    expect(comparison.frames.find((f) => f.frameId === unreviewed)).toMatchObject({ production: [], groundTruth: null });
    expect((await stats.comparison('line-1', newer, { limit: 1 })).frames).toHaveLength(1);

    const versions = await stats.versionsOf('line-1');
    expect(versions.map((v) => [v.version, v.current, v.framesScored])).toEqual([
      ['3', true, 3],
      ['2', false, 1],
    ]);
  });

  it('ends the shadow when its version is promoted', async () => {
    await registry.movePointer({
      lineId: 'line-1',
      fromVersionId: production,
      toVersionId: newer,
      kind: 'promotion',
      promotedBy: 'test',
      reason: 'shadow agreed',
      previousPromotionId: null,
    });
    expect(await shadows.shadowModelFor('line-1')).toBeNull();
    expect(await shadows.current('line-1')).toBeNull();
    expect((await stats.versionsOf('line-1'))[0]).toMatchObject({ version: '3', current: false });
    expect(await shadows.endIfPromoted('line-1')).toBe(newer);
    expect(await shadows.endIfPromoted('line-1')).toBeNull();
  });
});
