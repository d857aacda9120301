import type { Detection } from '@argus/contracts';
import { createHash, randomUUID } from 'node:crypto';
import { AlertRepository } from './alert.repository';
import { CAMERA_HISTORY_SQL, CameraAlertHistoryRepository, cameraHistoryParams } from './camera-alert-history.repository';
import { databaseConfigFromEnv } from './database.config';
import { FrameRepository } from './frame.repository';
import { LineRepository } from './line.repository';
import { runMigrations } from './migrations.runner';
import { ModelRegistryRepository } from './model-registry.repository';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.helper';

/** Against the Postgres that `infra/local/infra.sh up` starts; this file gets its own database. */
describe('CameraAlertHistoryRepository against Postgres', () => {
  let db: ThrowawayDatabase;
  let modelVersionId: string;
  const t0 = new Date('2026-03-01T08:00:00.000Z');
  const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
  const scratch: Detection = { className: 'scratch', score: 0.8, box: { x1: 1, y1: 2, x2: 30, y2: 40 } };

  beforeAll(async () => {
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env));
    await runMigrations(db.dataSource);
    const lines = new LineRepository(db.dataSource);
    await lines.upsertLine({ id: 'line-1', name: 'Line 1' });
    await lines.addCamera({ lineId: 'line-1', id: 'cam-a', name: 'A' });
    await lines.addCamera({ lineId: 'line-1', id: 'cam-b', name: 'B' });
    const { version } = await new ModelRegistryRepository(db.dataSource).register({
      name: 'm',
      version: '1',
      artifactKey: 'models/m/1',
      classes: ['scratch'],
      backend: 'onnx',
    });
    modelVersionId = version.id;
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function alertedFrame(cameraId: string, capturedAt: Date, alert = true): Promise<string> {
    const { frame } = await new FrameRepository(db.dataSource).recordIngested({
      lineId: 'line-1',
      cameraId,
      objectKey: `line-1/${cameraId}/${randomUUID()}.png`,
      contentType: 'image/png',
      width: 64,
      height: 48,
      byteSize: 10,
      sha256: createHash('sha256').update(randomUUID()).digest('hex'),
      capturedAt,
    });
    if (alert) {
      await new AlertRepository(db.dataSource).raiseOnce({
        frameId: frame.id,
        lineId: 'line-1',
        cameraId,
        modelVersionId,
        severity: 'high',
        detections: [scratch],
      });
    }
    return frame.id;
  }

  it("returns the camera's alerts whose frames were captured in [from, to], by capture time, without the excluded frame", async () => {
    const before = await alertedFrame('cam-a', at(-0.001));
    const first = await alertedFrame('cam-a', at(0));
    const middle = await alertedFrame('cam-a', at(5));
    await alertedFrame('cam-a', at(7), false); // no alert: not history
    const judged = await alertedFrame('cam-a', at(10));
    const after = await alertedFrame('cam-a', at(10.001));
    await alertedFrame('cam-b', at(5)); // another camera
    const history = await new CameraAlertHistoryRepository(db.dataSource).alertsCapturedBetween('line-1', 'cam-a', at(0), at(10), {
      excludeFrameId: judged,
    });
    expect(history.map((h) => h.frameId)).toEqual([first, middle]);
    expect(history[0]).toMatchObject({ modelVersionId, capturedAt: at(0), detections: [scratch] });
    expect(history.map((h) => h.frameId)).not.toContain(before);
    expect(history.map((h) => h.frameId)).not.toContain(after);
    const withJudged = await new CameraAlertHistoryRepository(db.dataSource).alertsCapturedBetween('line-1', 'cam-a', at(0), at(10));
    expect(withJudged.map((h) => h.frameId)).toEqual([first, middle, judged]);

    // Several windows in one statement give what each gives alone, in the order asked.
    const repository = new CameraAlertHistoryRepository(db.dataSource);
    const windows = [
      { lineId: 'line-1', cameraId: 'cam-b', from: at(0), to: at(10) },
      { lineId: 'line-1', cameraId: 'cam-a', from: at(0), to: at(10), excludeFrameId: judged },
      { lineId: 'line-1', cameraId: 'cam-a', from: at(0), to: at(10), limit: 1 },
      { lineId: 'line-1', cameraId: 'cam-none', from: at(0), to: at(10) },
    ];
    const together = await repository.historiesOf(windows);
    expect(together).toEqual(
      await Promise.all(windows.map((w) => repository.alertsCapturedBetween(w.lineId, w.cameraId, w.from, w.to, w))),
    );
    expect(together.map((h) => h.length)).toEqual([1, 2, 1, 0]);
  });

  it("reads the window's frames, not the line's whole alert history, with and without table statistics", async () => {
    // A long-running line: 20,000 alerted frames of another camera and of this camera long ago.
    await db.dataSource.query(
      `WITH f AS (
         INSERT INTO frame (id, line_id, camera_id, object_key, content_type, width, height, byte_size, sha256, captured_at)
         SELECT gen_random_uuid(), 'line-1', CASE WHEN i % 2 = 0 THEN 'cam-b' ELSE 'cam-a' END, 'history/' || i, 'image/png', 64, 48, 10,
                md5(i::text) || md5((i + 1)::text), $1::timestamptz - (i || ' seconds')::interval
           FROM generate_series(1, 20000) i
         RETURNING id, line_id, camera_id)
       INSERT INTO alert (frame_id, line_id, camera_id, model_version_id, severity, detections)
       SELECT id, line_id, camera_id, $2, 'high', '[]'::jsonb FROM f`,
      [at(-100).toISOString(), modelVersionId],
    );
    const blocksRead = async () => {
      const [plan] = (await db.dataSource.query(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${CAMERA_HISTORY_SQL}`,
        cameraHistoryParams([{ lineId: 'line-1', cameraId: 'cam-a', from: at(0), to: at(10) }]),
      )) as { 'QUERY PLAN': [{ Plan: { 'Shared Hit Blocks': number; 'Shared Read Blocks': number } }] }[];
      const top = plan?.['QUERY PLAN'][0].Plan;
      return (top?.['Shared Hit Blocks'] ?? 0) + (top?.['Shared Read Blocks'] ?? 0);
    };
    // Scanning the line's alerts (the plan this query used to get) reads hundreds of blocks here.
    expect(await blocksRead()).toBeLessThan(60);
    await db.dataSource.query('ANALYZE frame');
    await db.dataSource.query('ANALYZE alert');
    expect(await blocksRead()).toBeLessThan(60);
  });
});
