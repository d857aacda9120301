import { AlertRepository } from './alert.repository';
import { databaseConfigFromEnv } from './database.config';
import { InspectionStatsRepository } from './inspection-stats.repository';
import { LineRepository } from './line.repository';
import { runMigrations } from './migrations.runner';
import { ModelRegistryRepository } from './model-registry.repository';
import { ReviewRepository } from './review.repository';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.helper';
import { dataSourceOf, TypeormDatabase } from './database-handle.helper';

/**
 * The queue's size on a large alert table (issue 15: "61+ open" while 4,043 were): a capped
 * count, the planner's estimate, each line's backlog, and the plans they run on. Against the
 * Postgres that `infra/local/infra.sh up` starts; this file gets its own database.
 */
describe('counting alerts on a large table', () => {
  let db: ThrowawayDatabase;
  let alerts: AlertRepository;
  const TOTAL = 60_000;
  /** Every 15th alert is still open: 4,000 open of 60,000. */
  const OPEN_EVERY = 15;

  beforeAll(async () => {
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env));
    await runMigrations(db.dataSource);
    alerts = new AlertRepository(db.dataSource);
    const lines = new LineRepository(db.dataSource);
    for (const lineId of ['line-a', 'line-b']) {
      await lines.upsertLine({ id: lineId, name: lineId });
      for (const cameraId of ['cam-1', 'cam-2']) await lines.addCamera({ lineId, id: cameraId, name: cameraId });
    }
    await lines.upsertLine({ id: 'line-idle', name: 'idle' });
    const model = await new ModelRegistryRepository(db.dataSource).register({
      name: 'count-model',
      version: '1',
      artifactKey: 'models/count-model/1',
      classes: ['scratch', 'dent'],
      spec: {},
      metrics: {},
      usesTemplate: false,
      trainingDataFingerprint: null,
      backend: 'onnx',
    });
    // i = 1..TOTAL: line-a for i % 4 < 3, else line-b; cam-1 for odd i; severity and class cycle.
    await db.dataSource.query(
      `INSERT INTO frame (id, line_id, camera_id, object_key, content_type, width, height, byte_size, sha256, captured_at)
       SELECT md5('frame' || i)::uuid, CASE WHEN i % 4 < 3 THEN 'line-a' ELSE 'line-b' END, CASE WHEN i % 2 = 1 THEN 'cam-1' ELSE 'cam-2' END,
              'k/' || i, 'image/png', 64, 48, 100, encode(sha256(('f' || i)::bytea), 'hex'), now() - i * interval '1 second'
         FROM generate_series(1, $1) AS i`,
      [TOTAL],
    );
    await db.dataSource.query(
      `INSERT INTO alert (frame_id, line_id, camera_id, model_version_id, severity, status, detections, created_at)
       SELECT f.id, f.line_id, f.camera_id, $2, (ARRAY['low','medium','high','critical'])[1 + (i / 4) % 4],
              CASE WHEN i % $3 = 0 THEN 'open' ELSE (ARRAY['confirmed','rejected','corrected'])[1 + i % 3] END,
              jsonb_build_array(jsonb_build_object('className', CASE WHEN i % 10 = 0 THEN 'dent' ELSE 'scratch' END, 'score', 0.9,
                                                   'box', jsonb_build_object('x1', 1, 'y1', 1, 'x2', 9, 'y2', 9))),
              now() - i * interval '1 second'
         FROM generate_series(1, $1) AS i JOIN frame f ON f.id = md5('frame' || i)::uuid`,
      [TOTAL, model.version.id, OPEN_EVERY],
    );
    // What autovacuum does on a live table: statistics for the planner, the visibility map for index-only scans.
    await db.dataSource.query(`VACUUM ANALYZE alert`);
  }, 120_000);
  afterAll(async () => {
    await db?.drop();
  });

  /** What the filter matches, counted the slow, obvious way. */
  async function truth(where: string): Promise<number> {
    const rows = (await db.dataSource.query(`SELECT count(*)::int AS n FROM alert WHERE ${where}`)) as { n: number }[];
    return Number(rows[0]?.n);
  }

  it('counts exactly up to the cap, and stops there', async () => {
    expect(await truth(`status = 'open'`)).toBe(TOTAL / OPEN_EVERY);
    expect(await alerts.countAlerts({ status: 'open' }, 10_001)).toBe(TOTAL / OPEN_EVERY);
    expect(await alerts.countAlerts({ status: 'open' }, 100)).toBe(100);
    expect(await alerts.countAlerts({ status: 'open', lineId: 'line-a' }, 10_001)).toBe(
      await truth(`status = 'open' AND line_id = 'line-a'`),
    );
    expect(await alerts.countAlerts({ status: 'open', lineId: 'line-a', cameraId: 'cam-1', severity: 'high' }, 10_001)).toBe(
      await truth(`status = 'open' AND line_id = 'line-a' AND camera_id = 'cam-1' AND severity = 'high'`),
    );
    expect(await alerts.countAlerts({ status: 'open', className: 'dent' }, 10_001)).toBe(
      await truth(`status = 'open' AND detections @> '[{"className":"dent"}]'`),
    );
    expect(await alerts.countAlerts({}, 100_000)).toBe(TOTAL);
    expect(await alerts.countAlerts({ status: 'corrected', lineId: 'line-b' }, 100_000)).toBe(
      await truth(`status = 'corrected' AND line_id = 'line-b'`),
    );
  });

  it("estimates from the planner's statistics, close to the truth", async () => {
    const all = await alerts.estimateAlerts({});
    expect(Math.abs(all - TOTAL) / TOTAL).toBeLessThan(0.05);
    const open = TOTAL / OPEN_EVERY;
    expect(Math.abs((await alerts.estimateAlerts({ status: 'open' })) - open) / open).toBeLessThan(0.3);
    // A value with a quote in it is a literal, not SQL.
    expect(await alerts.estimateAlerts({ status: 'open', lineId: "x' OR '1'='1" })).toBeLessThan(10);
    expect(await alerts.estimateAlerts({ className: "it's" })).toBeLessThan(TOTAL);
  });

  it("counts each line's open alerts (its backlog), capped; a line without any is absent", async () => {
    const stats = new InspectionStatsRepository(db.dataSource);
    const backlog = await stats.openAlertsPerLine(10_001);
    expect(backlog).toEqual(
      new Map([
        ['line-a', await truth(`status = 'open' AND line_id = 'line-a'`)],
        ['line-b', await truth(`status = 'open' AND line_id = 'line-b'`)],
      ]),
    );
    expect((await stats.openAlertsPerLine(500)).get('line-a')).toBe(500);
    expect(await stats.estimateOpenAlerts('line-a')).toBeGreaterThan(1000);
  });

  it('counts open alerts from the partial index over open alerts (no scan of the table) for every queue filter', async () => {
    const plans: string[] = [];
    const runner = dataSourceOf(db.dataSource).createQueryRunner();
    try {
      const filters = [
        { status: 'open' as const },
        { status: 'open' as const, lineId: 'line-a' },
        { status: 'open' as const, lineId: 'line-a', cameraId: 'cam-1' },
        { status: 'open' as const, lineId: 'line-a', severity: 'high' as const },
        { status: 'open' as const, cameraId: 'cam-2', severity: 'low' as const },
      ];
      // The repository's own statements, planned as they run (captured, then EXPLAINed with their values).
      const onRunner = new AlertRepository(new TypeormDatabase(dataSourceOf(db.dataSource), runner.manager));
      const query = runner.manager.query.bind(runner.manager);
      for (const filter of filters) {
        let captured: { sql: string; params: unknown[] } | undefined;
        runner.manager.query = (async (sql: string, params?: unknown[]) => {
          captured = { sql, params: params ?? [] };
          return query(sql, params);
        }) as typeof runner.manager.query;
        await onRunner.countAlerts(filter, 10_001);
        runner.manager.query = query;
        if (!captured) throw new Error('countAlerts ran no query');
        await runner.query(`PREPARE count_plan AS ${captured.sql}`);
        const literals = captured.params.map((p) => (typeof p === 'number' ? String(p) : `'${String(p).replace(/'/g, "''")}'`));
        const rows = (await runner.query(`EXPLAIN (FORMAT TEXT) EXECUTE count_plan(${literals.join(', ')})`)) as { 'QUERY PLAN': string }[];
        await runner.query(`DEALLOCATE count_plan`);
        plans.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
      }
    } finally {
      await runner.release();
    }
    for (const plan of plans) {
      expect(plan).not.toMatch(/Seq Scan on alert/);
      // Index-only once the visibility map is set (autovacuum on a live table); a bitmap of the
      // same index while it is not (here, when another session's snapshot holds VACUUM back).
      expect(plan).toMatch(/(Index Only Scan|Bitmap Index Scan) on ix_alert_open_filters|Index Only Scan using ix_alert_open_filters/);
    }
  });

  it('finds the latest review of each alert in one query, with the reviewer named', async () => {
    const reviews = new ReviewRepository(db.dataSource);
    const [first, second] = (await db.dataSource.query(`SELECT id FROM alert WHERE status = 'open' ORDER BY created_at DESC LIMIT 2`)) as {
      id: string;
    }[];
    if (!first || !second) throw new Error('no open alerts');
    const reviewer = '00000000-0000-4000-8000-00000000abcd';
    const box = { className: 'dent', box: { x1: 2, y1: 2, x2: 8, y2: 8 } };
    await reviews.record({ alertId: first.id, reviewerId: reviewer, decision: 'confirmed', alertStatus: 'confirmed', boxes: [] });
    const latest = await reviews.record({
      alertId: first.id,
      reviewerId: reviewer,
      decision: 'corrected',
      alertStatus: 'corrected',
      boxes: [box],
      comment: 'a dent',
    });
    const found = await reviews.latestReviewsFor([first.id, second.id, first.id]);
    expect([...found.keys()]).toEqual([first.id]);
    expect(found.get(first.id)).toEqual({ ...latest.review, reviewerName: reviewer });
    expect(await reviews.latestReviewsFor([])).toEqual(new Map());
  });
});
