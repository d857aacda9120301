import type { DataSource, EntityManager } from 'typeorm';
import type { Database } from './database';

/** The `Database` this lib hands out: a TypeORM DataSource and the manager queries run on (the pool's, or a transaction's). */
export class TypeormDatabase implements Database {
  constructor(
    readonly dataSource: DataSource,
    readonly manager: EntityManager = dataSource.manager,
  ) {}

  get isInitialized(): boolean {
    return this.dataSource.isInitialized;
  }

  async initialize(): Promise<void> {
    await this.dataSource.initialize();
  }

  async destroy(): Promise<void> {
    await this.dataSource.destroy();
  }

  transaction<T>(work: (tx: Database) => Promise<T>): Promise<T> {
    return inTransaction(this, (_manager, tx) => work(tx));
  }

  async query<T = unknown>(sql: string, parameters?: readonly unknown[]): Promise<T[]> {
    return (await this.manager.query(sql, parameters ? [...parameters] : undefined)) as T[];
  }
}

function typeormOf(handle: Database): TypeormDatabase {
  if (handle instanceof TypeormDatabase) return handle;
  throw new TypeError('BUG: not a Database of @argus/persistence (build it with createDataSource)');
}

export function managerOf(handle: Database): EntityManager {
  return typeormOf(handle).manager;
}

export function dataSourceOf(handle: Database): DataSource {
  return typeormOf(handle).dataSource;
}

/**
 * Runs `work` in a transaction: the caller's, when the handle is already inside one, else a new one.
 * `work` gets the transaction's manager and a `Database` on it (to build repositories that take part).
 */
export async function inTransaction<T>(handle: Database, work: (manager: EntityManager, tx: Database) => Promise<T>): Promise<T> {
  const db = typeormOf(handle);
  if (db.manager.queryRunner?.isTransactionActive) return work(db.manager, db);
  return db.manager.transaction((manager) => work(manager, new TypeormDatabase(db.dataSource, manager)));
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
export async function hotRows<T>(handle: Database, statement: HotStatement, values: readonly unknown[]): Promise<T[]> {
  const db = typeormOf(handle);
  const runner = db.manager.queryRunner;
  if (runner) {
    const result = (await runner.query(statement.text, [...values], true)) as { records: T[] };
    return result.records;
  }
  const pool = (db.dataSource.driver as unknown as { master: PgPool }).master;
  const result = await pool.query(
    preparing.has(db.dataSource)
      ? { name: statement.name, text: statement.text, values: [...values] }
      : { text: statement.text, values: [...values] },
  );
  return result.rows as T[];
}
