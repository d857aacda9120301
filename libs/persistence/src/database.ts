/**
 * A handle on Argus's Postgres database: the pool, or a transaction open on it. Opaque on purpose:
 * repositories are built on it, and what is inside (the ORM) stays this lib's business.
 */
export interface Database {
  /** True once `initialize()` opened the pool, until `destroy()`. */
  readonly isInitialized: boolean;
  /** Opens the pool (connects once). */
  initialize(): Promise<void>;
  /** Closes the pool. */
  destroy(): Promise<void>;
  /**
   * Runs `work` in one transaction: repositories built on `tx` take part in it, and it commits when
   * `work` resolves. Inside a transaction already, `work` joins it.
   */
  transaction<T>(work: (tx: Database) => Promise<T>): Promise<T>;
  /** Plain SQL with `$1`-style parameters; resolves to the rows (SELECT, or a statement with RETURNING). */
  query<T = unknown>(sql: string, parameters?: readonly unknown[]): Promise<T[]>;
}
