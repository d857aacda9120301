import type { ReadinessCheck } from '@argus/platform';
import type { DataSource } from 'typeorm';

/** What a readiness endpoint runs: resolves when Postgres answers, rejects with why not. */
export function databaseReadinessCheck(dataSource: DataSource): ReadinessCheck {
  return {
    name: 'postgres',
    check: async () => {
      if (!dataSource.isInitialized) throw new Error('database connection pool is not initialized');
      await dataSource.query('SELECT 1');
    },
  };
}
