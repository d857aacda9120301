import { databaseConfigFromEnv } from './database.config';
import { FIND_FRAME_BY_ID_SQL } from './frame.repository';
import { LineRepository } from './line.repository';
import { runMigrations } from './migrations.runner';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.helper';
import { dataSourceOf } from './database-handle.helper';

/** Against the Postgres that `infra/local/infra.sh up` starts; this file gets its own database. */
describe('FrameRepository statement plans against Postgres', () => {
  let db: ThrowawayDatabase;

  beforeAll(async () => {
    db = await createThrowawayDatabase(databaseConfigFromEnv(process.env));
    await runMigrations(db.dataSource);
    const lines = new LineRepository(db.dataSource);
    await lines.upsertLine({ id: 'line-1', name: 'Line 1' });
    await lines.addCamera({ lineId: 'line-1', id: 'cam-a', name: 'A' });
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** Shared blocks the statement touches for one id, planned for that id or generically (as a prepared statement is after five runs). */
  async function blocksRead(sql: string, frameId: string, plan: 'custom' | 'generic'): Promise<number> {
    const runner = dataSourceOf(db.dataSource).createQueryRunner();
    try {
      await runner.query(`SET plan_cache_mode = ${plan === 'generic' ? 'force_generic_plan' : 'force_custom_plan'}`);
      await runner.query(`PREPARE find_frame(uuid) AS ${sql}`);
      const [row] = (await runner.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE find_frame('${frameId}')`)) as {
        'QUERY PLAN': [{ Plan: { 'Shared Hit Blocks'?: number; 'Shared Read Blocks'?: number } }];
      }[];
      await runner.query('DEALLOCATE find_frame');
      const top = row?.['QUERY PLAN'][0].Plan;
      return (top?.['Shared Hit Blocks'] ?? 0) + (top?.['Shared Read Blocks'] ?? 0);
    } finally {
      await runner.release();
    }
  }

  it("looks a frame up by primary key, not by scanning the line's frames, before and after ANALYZE", async () => {
    // One busy camera's frames, inserted as ingest does: the table has no statistics yet.
    const [{ id }] = (await db.dataSource.query(
      `INSERT INTO frame (line_id, camera_id, object_key, content_type, width, height, byte_size, sha256, captured_at)
       SELECT 'line-1', 'cam-a', 'line-1/cam-a/' || n || '.png', 'image/png', 64, 48, 10, md5(n::text) || md5(n::text), now() - n * interval '1 second'
         FROM generate_series(1, 5000) AS n
       RETURNING id`,
    )) as [{ id: string }];
    // A primary-key probe touches a handful of blocks; the line's index and its heap hold hundreds.
    for (const plan of ['custom', 'generic'] as const) expect(await blocksRead(FIND_FRAME_BY_ID_SQL, id, plan)).toBeLessThan(10);
    await db.dataSource.query('ANALYZE frame');
    for (const plan of ['custom', 'generic'] as const) expect(await blocksRead(FIND_FRAME_BY_ID_SQL, id, plan)).toBeLessThan(10);
  });
});
