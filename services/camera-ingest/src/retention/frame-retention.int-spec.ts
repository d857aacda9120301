import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  createThrowawayDatabase,
  databaseConfigFromEnv,
  FrameRepository,
  FrameRetentionRepository,
  LineRepository,
  runMigrations,
  type ThrowawayDatabase,
} from '@argus/persistence';
import { MinioObjectStore, type ObjectStore, s3ConfigFromEnv } from '@argus/storage';
import { describeRetentionOnAdapters, type RetentionAdapters } from './testing/frame-retention.scenario';

/**
 * Against the Postgres and S3Proxy that `npm run infra:up` starts: a throw-away database, and this
 * run's own lines (so its own key prefixes in the shared bucket).
 */
describeRetentionOnAdapters('Postgres + S3Proxy', async (): Promise<RetentionAdapters> => {
  const database: ThrowawayDatabase = await createThrowawayDatabase(databaseConfigFromEnv(process.env, 'camera-ingest-retention-it'));
  await runMigrations(database.dataSource);
  const store: ObjectStore = new MinioObjectStore(s3ConfigFromEnv(process.env));
  await store.ensureBucket();
  return { db: database.dataSource, store, close: () => database.drop() };
});

describe('FrameRetentionRepository.deleteFrames against Postgres (the re-check under lock)', () => {
  let database: ThrowawayDatabase;

  beforeAll(async () => {
    database = await createThrowawayDatabase(databaseConfigFromEnv(process.env, 'camera-ingest-retention-it'));
    await runMigrations(database.dataSource);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('keeps a frame that gained an alert or a review after it was chosen, and deletes one that did not', async () => {
    const lines = new LineRepository(database.dataSource);
    const lineId = `lock-${randomBytes(3).toString('hex')}`;
    await lines.upsertLine({ id: lineId, name: lineId });
    await lines.addCamera({ lineId, id: 'cam', name: 'cam' });
    const frames = new FrameRepository(database.dataSource);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { frame } = await frames.recordIngested({
        lineId,
        cameraId: 'cam',
        objectKey: `${lineId}/cam/${i}.png`,
        contentType: 'image/png',
        width: 8,
        height: 8,
        byteSize: 10,
        sha256: createHash('sha256').update(`${lineId}-${i}`).digest('hex'),
        capturedAt: new Date(),
      });
      ids.push(frame.id);
    }
    const [plainId = '', alertedId = '', reviewedId = ''] = ids;
    const [model] = (await database.dataSource.query(
      `INSERT INTO model_version (name, version, artifact_key, classes, backend) VALUES ('m', $1, 'models/m.onnx', '["x"]', 'onnx') RETURNING id`,
      [randomUUID()],
    )) as { id: string }[];
    for (const frameId of [alertedId, reviewedId]) {
      await database.dataSource.query(
        `INSERT INTO alert (frame_id, line_id, camera_id, model_version_id, severity, detections) VALUES ($1, $2, 'cam', $3, 'high', '[]')`,
        [frameId, lineId, model?.id],
      );
    }
    await database.dataSource.query(
      `INSERT INTO review (alert_id, reviewer_id, decision) SELECT id, gen_random_uuid(), 'confirmed' FROM alert WHERE frame_id = $1`,
      [reviewedId],
    );

    // All three chosen as if they had no alert: only the one without still goes.
    const deletion = await new FrameRetentionRepository(database.dataSource).deleteFrames(
      ids.map((id) => ({ id, retentionClass: 'plain' as const })),
    );
    expect(deletion.deleted.map((d) => d.id)).toEqual([plainId]);
    expect([...deletion.kept].sort()).toEqual([alertedId, reviewedId].sort());
    const left = (await database.dataSource.query(`SELECT id FROM frame WHERE line_id = $1 ORDER BY id`, [lineId])) as { id: string }[];
    expect(left.map((r) => r.id)).toEqual([alertedId, reviewedId].sort());

    // Chosen as alerted, the alerted frame goes with its alert; the reviewed one still stays.
    const second = await new FrameRetentionRepository(database.dataSource).deleteFrames([
      { id: alertedId, retentionClass: 'alerted' },
      { id: reviewedId, retentionClass: 'alerted' },
    ]);
    expect(second.deleted.map((d) => d.id)).toEqual([alertedId]);
    const alerts = (await database.dataSource.query(`SELECT frame_id FROM alert WHERE line_id = $1`, [lineId])) as { frame_id: string }[];
    expect(alerts.map((a) => a.frame_id)).toEqual([reviewedId]);
  });
});
