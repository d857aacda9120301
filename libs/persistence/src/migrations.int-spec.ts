import { databaseConfigFromEnv } from './database.config';
import { MIGRATIONS_TABLE } from './data-source.factory';
import { databaseReadinessCheck } from './database-readiness.check';
import { migrateCommand } from './migrate';
import { migrationStatus, revertAllMigrations, revertLastMigration, runMigrations } from './migrations.runner';
import { createThrowawayDatabase, type ThrowawayDatabase } from './throwaway-database.helper';
import { PERSISTENCE_MIGRATIONS } from './migrations/persistence.migrations';
import { dataSourceOf } from './database-handle.helper';

/** Every migration's name, in order (the first is the initial schema). */
const ALL = PERSISTENCE_MIGRATIONS.map((Migration) => new Migration().name);
const NEWEST_FIRST = [...ALL].reverse();

/** Against the Postgres that `infra/local/infra.sh up` starts; this file gets its own database. */
const EXPECTED_TABLES = [
  'alert',
  'app_user',
  'architecture_search',
  'architecture_search_trial',
  'audit_log',
  'camera',
  'dataset_version',
  'detection',
  'frame',
  'frame_inference',
  'frame_label',
  'labelled_frame',
  'line_alert_rule',
  'line_learning_policy',
  'line_production_model',
  'line_shadow_model',
  'line_template',
  'model_promotion',
  'model_version',
  'model_version_search_lineage',
  'production_line',
  'review',
  'service_token',
  'shadow_detection',
  'training_job',
  'user_session',
];

describe('migrations against a fresh database', () => {
  const config = databaseConfigFromEnv(process.env);
  let db: ThrowawayDatabase;

  beforeAll(async () => {
    db = await createThrowawayDatabase(config);
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function tables(): Promise<string[]> {
    const rows = (await db.dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
       ORDER BY table_name`,
    )) as { table_name: string }[];
    return rows.map((r) => r.table_name).filter((name) => name !== MIGRATIONS_TABLE);
  }

  it('applies every migration in order, and reports them applied', async () => {
    expect(ALL[0]).toBe('InitialSchema1764345600000');
    expect(await migrationStatus(db.dataSource)).toEqual({ applied: [], pending: ALL });
    expect(await runMigrations(db.dataSource)).toEqual(ALL);
    expect(await tables()).toEqual(EXPECTED_TABLES);
    expect(await migrationStatus(db.dataSource)).toEqual({ applied: ALL, pending: [] });
    expect(await runMigrations(db.dataSource)).toEqual([]);
    const extensions = (await db.dataSource.query(`SELECT extname FROM pg_extension`)) as { extname: string }[];
    expect(extensions.map((e) => e.extname)).toContain('pgcrypto');
  });

  it('leaves the entities and the hand-written schema in agreement (empty TypeORM schema diff)', async () => {
    const diff = await dataSourceOf(db.dataSource).driver.createSchemaBuilder().log();
    // CHECK constraints live only in the migration (TypeORM would drop any it is not told about);
    // everything else — tables, columns, types, defaults, keys, uniques, indexes — must match.
    const drift = diff.upQueries.map((q) => q.query).filter((q) => !/DROP CONSTRAINT "chk_/.test(q));
    expect(drift).toEqual([]);
  });

  it('names every table and column in snake_case', async () => {
    const rows = (await db.dataSource.query(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'`,
    )) as { table_name: string; column_name: string }[];
    const notSnake = rows.filter((r) => !/^[a-z0-9_]+$/.test(r.table_name) || !/^[a-z0-9_]+$/.test(r.column_name));
    expect(notSnake).toEqual([]);
  });

  it('reverts down to nothing and applies again', async () => {
    for (const name of NEWEST_FIRST) expect(await revertLastMigration(db.dataSource)).toBe(name);
    expect(await tables()).toEqual([]);
    const functions = (await db.dataSource.query(`SELECT proname FROM pg_proc WHERE proname = 'audit_log_refuse_change'`)) as unknown[];
    expect(functions).toEqual([]);
    expect(await revertLastMigration(db.dataSource)).toBeNull();

    expect(await runMigrations(db.dataSource)).toEqual(ALL);
    expect(await tables()).toEqual(EXPECTED_TABLES);
    expect(await revertAllMigrations(db.dataSource)).toEqual(NEWEST_FIRST);
    expect(await tables()).toEqual([]);
  });

  it('drives the same through the migrate command (up / status / down)', async () => {
    const env = { ARGUS_DATABASE_URL: urlFor(db.name) };
    const lines: string[] = [];
    const out = (line: string) => lines.push(line);
    expect(await migrateCommand(['up'], env, out)).toBe(0);
    expect(await migrateCommand(['status'], env, out)).toBe(0);
    expect(await migrateCommand(['down', '--all'], env, out)).toBe(0);
    expect(await migrateCommand(['down'], env, out)).toBe(0);
    expect(await migrateCommand(['sideways'], env, out)).toBe(2);
    expect(lines).toEqual([
      ALL.map((name) => `applied ${name}`).join('\n'),
      ...ALL.map((name) => `applied  ${name}`),
      NEWEST_FIRST.map((name) => `reverted ${name}`).join('\n'),
      'no applied migrations',
      'usage: migrate.ts up | down [--all] | status',
    ]);
    expect(await tables()).toEqual([]);
  });

  it('answers the readiness check', async () => {
    const readiness = databaseReadinessCheck(db.dataSource);
    expect(readiness.name).toBe('postgres');
    await expect(readiness.check()).resolves.toBeUndefined();
  });

  function urlFor(database: string): string {
    const url = new URL(process.env['ARGUS_DATABASE_URL'] ?? '');
    url.pathname = `/${database}`;
    return url.toString();
  }
});
