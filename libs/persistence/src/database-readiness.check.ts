import type { ReadinessCheck } from '@argus/platform';
import type { Database } from './database';

/** What a readiness endpoint runs: resolves when Postgres answers, rejects with why not. */
export function databaseReadinessCheck(db: Database): ReadinessCheck {
  return {
    name: 'postgres',
    check: async () => {
      if (!db.isInitialized) throw new Error('database connection pool is not initialized');
      await db.query('SELECT 1');
    },
  };
}
