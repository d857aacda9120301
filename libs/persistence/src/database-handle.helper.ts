import { DataSource, type EntityManager } from 'typeorm';

/** What a repository is built on: the pool, or the manager of a transaction already open. */
export type DatabaseHandle = DataSource | EntityManager;

export function managerOf(handle: DatabaseHandle): EntityManager {
  return handle instanceof DataSource ? handle.manager : handle;
}

/** Runs `work` in a transaction: the caller's, when the handle is already inside one, else a new one. */
export async function inTransaction<T>(handle: DatabaseHandle, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  const manager = managerOf(handle);
  if (manager.queryRunner?.isTransactionActive) return work(manager);
  return manager.transaction(work);
}

/** A statement on a hot path (every frame, every batch), with the name it is prepared under. */
export interface HotStatement {
  readonly name: string;
  readonly text: string;
}

/** Names `text` for `hotRows` (one name per text: pg refuses a name reused for another text). */
export function hotStatement(name: string, text: string): HotStatement {
  return { name: `argus_${name}`, text };
}

/** Data sources whose hot statements are named (createDataSource registers them). */
const preparing = new WeakSet<DataSource>();

export function prepareHotStatements(dataSource: DataSource): void {
  preparing.add(dataSource);
}

interface PgPool {
  query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * Runs a hot statement and returns its rows. Outside a transaction it goes straight to the pg
 * pool, skipping TypeORM's query path (a query runner per call, Node CPU on every statement). On
 * real Postgres it is a named prepared statement, parsed and planned once per connection instead of
 * on every call (figures: docs/performance.md). Inside
 * a transaction it runs on that transaction's connection through TypeORM, unnamed.
 */
export async function hotRows<T>(handle: DatabaseHandle, statement: HotStatement, values: readonly unknown[]): Promise<T[]> {
  const runner = handle instanceof DataSource ? undefined : handle.queryRunner;
  if (runner) {
    const result = (await runner.query(statement.text, [...values], true)) as { records: T[] };
    return result.records;
  }
  const dataSource = handle instanceof DataSource ? handle : handle.connection;
  const pool = (dataSource.driver as unknown as { master: PgPool }).master;
  const result = await pool.query(
    preparing.has(dataSource)
      ? { name: statement.name, text: statement.text, values: [...values] }
      : { text: statement.text, values: [...values] },
  );
  return result.rows as T[];
}
