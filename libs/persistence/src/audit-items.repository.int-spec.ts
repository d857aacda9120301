import { type Detection } from '@argus/contracts';
import { AlertRepository } from './alert.repository';
import { CameraAlertHistoryRepository } from './camera-alert-history.repository';
import { databaseConfigFromEnv } from './database.config';
import { InspectionStatsRepository } from './inspection-stats.repository';
import { LineLearningStateQuery } from './line-learning-state.query';
import { LineRepository } from './line.repository';
import { runMigrations } from './migrations.runner';
import { ModelRegistryRepository } from './model-registry.repository';
import { FrameNotFoundError } from './persistence.errors';
import { storedTestFrame } from './testing/frame.fixture';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.helper';

const det = (score: number): Detection => ({ className: 'scratch', score, box: { x1: 1, y1: 1, x2: 9, y2: 9 } });

/**
 * Audit items (alert rows of kind `audit`) against the Postgres of infra/local: made once per frame
 * and model version, ranked for the audit queue in SQL (rankAuditItems' rule), and absent from
 * everything that counts, lists or streams alerts.
 */
describe('audit items against Postgres', () => {
  let db: ThrowawayDatabase;
  let alerts: AlertRepository;
  let modelVersionId: string;
  const lineId = 'line-audit';

  beforeAll(async () => {
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env));
    await runMigrations(db.dataSource);
    const lines = new LineRepository(db.dataSource);
    await lines.upsertLine({ id: lineId, name: lineId });
    await lines.addCamera({ lineId, id: 'cam-a', name: 'A' });
    const registry = new ModelRegistryRepository(db.dataSource);
    const { version } = await registry.register({
      name: 'm',
      version: '1',
      artifactKey: 'models/m/1',
      classes: ['scratch'],
      backend: 'onnx',
    });
    modelVersionId = version.id;
    await registry.movePointer({
      lineId,
      fromVersionId: null,
      toVersionId: modelVersionId,
      kind: 'promotion',
      promotedBy: 'test',
      reason: 'test',
      previousPromotionId: null,
    });
    alerts = new AlertRepository(db.dataSource);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const auditItem = async (uncertainty: number, reason: 'near-threshold' | 'random' = 'near-threshold') => {
    const frameId = await storedTestFrame(db.dataSource, lineId);
    const made = await alerts.createAuditItemOnce({
      frameId,
      lineId,
      cameraId: 'cam-a',
      modelVersionId,
      detections: reason === 'random' ? [] : [det(uncertainty / 2)],
      audit: { reason, uncertainty },
    });
    return made.alert;
  };

  it('makes one item per frame and model version, and never turns a defect alert into one', async () => {
    const frameId = await storedTestFrame(db.dataSource, lineId);
    const input = {
      frameId,
      lineId,
      cameraId: 'cam-a',
      modelVersionId,
      detections: [det(0.4)],
      audit: { reason: 'near-threshold' as const, uncertainty: 0.8 },
    };
    const first = await alerts.createAuditItemOnce(input);
    expect(first).toMatchObject({
      created: true,
      alert: { kind: 'audit', audit: { reason: 'near-threshold', uncertainty: 0.8 }, status: 'open', severity: 'low' },
    });
    const again = await alerts.createAuditItemOnce({ ...input, audit: { reason: 'random', uncertainty: 0.1 } });
    expect(again).toEqual({ created: false, alert: first.alert });

    const alerted = await storedTestFrame(db.dataSource, lineId);
    const defect = await alerts.raiseOnce({
      frameId: alerted,
      lineId,
      cameraId: 'cam-a',
      modelVersionId,
      severity: 'high',
      detections: [det(0.9)],
    });
    const refused = await alerts.createAuditItemOnce({ ...input, frameId: alerted });
    expect(refused).toMatchObject({ created: false, alert: { id: defect.alert.id, kind: 'defect', audit: null } });

    await expect(alerts.createAuditItemOnce({ ...input, frameId: '00000000-0000-4000-8000-00000000dead' })).rejects.toBeInstanceOf(
      FrameNotFoundError,
    );
    await db.dataSource.query(`DELETE FROM alert WHERE line_id = $1`, [lineId]);
  });

  it('ranks the audit queue most uncertain first, ties oldest first, across keyset pages; counts the open ones', async () => {
    const tie1 = await auditItem(0.5);
    const none = await auditItem(0, 'random');
    const top = await auditItem(0.95);
    const tie2 = await auditItem(0.5);
    const want = [top.id, tie1.id, tie2.id, none.id];
    expect((await alerts.findAuditItems({ lineId, status: 'open' })).map((a) => a.id)).toEqual(want);

    const paged: string[] = [];
    let after: { uncertainty: number; createdAt: Date; id: string } | undefined;
    for (;;) {
      const page = await alerts.findAuditItems({ lineId }, { limit: 1, ...(after ? { after } : {}) });
      const last = page[0];
      if (!last) break;
      paged.push(last.id);
      after = { uncertainty: last.audit?.uncertainty ?? 0, createdAt: last.createdAt, id: last.id };
    }
    expect(paged).toEqual(want);
    expect(await alerts.countOpenAuditItems(lineId, 100)).toBe(4);
    expect(await alerts.countOpenAuditItems(lineId, 2)).toBe(2);
    const [withFrame] = await alerts.findAuditItems({ lineId }, { limit: 1 });
    expect(withFrame?.frame).toMatchObject({ width: 64, height: 48 });
  });

  it('leaves audit items out of every alert list, count, statistic, dedup history and the reject-rate decisions', async () => {
    const rejected = await auditItem(0.7);
    await db.dataSource.query(`INSERT INTO review (alert_id, reviewer_id, decision) VALUES ($1, gen_random_uuid(), 'rejected')`, [
      rejected.id,
    ]);
    await db.dataSource.query(`UPDATE alert SET status = 'rejected' WHERE id = $1`, [rejected.id]);

    expect(await alerts.findAlerts({ lineId })).toEqual([]);
    expect(await alerts.findAlerts({ lineId, status: 'rejected' })).toEqual([]);
    expect(await alerts.findOpenAlertsForLine(lineId)).toEqual([]);
    expect(await alerts.countAlerts({ lineId }, 100)).toBe(0);
    expect(await alerts.countOpenForLine(lineId)).toBe(0);
    expect((await alerts.countOpenPerLine(100)).get(lineId)).toBeUndefined();
    // Still reachable one by one: the review page reads it as an alert.
    expect(await alerts.findWithFrame(rejected.id)).toMatchObject({ id: rejected.id, kind: 'audit' });

    const stats = new InspectionStatsRepository(db.dataSource);
    const minutes = await stats.activityPerMinute(new Date(Date.now() - 3_600_000));
    expect(minutes.filter((m) => m.lineId === lineId).reduce((n, m) => n + m.alerts, 0)).toBe(0);

    const history = await new CameraAlertHistoryRepository(db.dataSource).alertsCapturedBetween(
      lineId,
      'cam-a',
      new Date(Date.now() - 3_600_000),
      new Date(Date.now() + 60_000),
    );
    expect(history).toEqual([]);

    const state = await new LineLearningStateQuery(db.dataSource).stateOf(lineId, { decisions: 10, scoreFrames: null });
    expect(state?.recentDecisions).toEqual([]);
  });
});
