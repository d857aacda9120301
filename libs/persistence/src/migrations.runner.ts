import type { Database } from './database';
import { dataSourceOf } from './database-handle.helper';

export interface MigrationStatus {
  readonly applied: readonly string[];
  readonly pending: readonly string[];
}

/** Applies every pending migration, each in its own transaction. Returns the names applied. */
export async function runMigrations(db: Database): Promise<string[]> {
  const applied = await dataSourceOf(db).runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}

/** Reverts the most recently applied migration (one step). Returns its name, or null when none is applied. */
export async function revertLastMigration(db: Database): Promise<string | null> {
  const before = await migrationStatus(db);
  const last = before.applied[before.applied.length - 1];
  if (last === undefined) return null;
  await dataSourceOf(db).undoLastMigration({ transaction: 'each' });
  return last;
}

/** Reverts every applied migration, newest first. Returns the names reverted. */
export async function revertAllMigrations(db: Database): Promise<string[]> {
  const reverted: string[] = [];
  for (;;) {
    const name = await revertLastMigration(db);
    if (name === null) return reverted;
    reverted.push(name);
  }
}

export async function migrationStatus(db: Database): Promise<MigrationStatus> {
  const dataSource = dataSourceOf(db);
  const known = dataSource.migrations.map((m) => m.name ?? m.constructor.name);
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const exists = (await dataSource.query(`SELECT to_regclass($1) AS t`, [table])) as { t: string | null }[];
  const rows: { name: string }[] = exists[0]?.t == null ? [] : await dataSource.query(`SELECT name FROM "${table}" ORDER BY timestamp, id`);
  const applied = rows.map((r) => r.name);
  return { applied, pending: known.filter((name) => !applied.includes(name)) };
}
