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
