import { type Database } from '@argus/persistence';
import type { StoredTotals, StoredTotalsSource } from './pipeline-status.monitor';

/**
 * The status line's starting totals, from the database: every frame stored, every frame scored
 * (processed), every alert raised (defect alerts, not audit items), over all runs. Read once at start (it counts whole tables).
 */
export class StoredTotalsQuery implements StoredTotalsSource {
  constructor(private readonly db: Database) {}

  async storedTotals(): Promise<StoredTotals> {
    const [row] = (await this.db.query(
      `SELECT (SELECT count(*) FROM frame) AS frames_stored,
              (SELECT count(*) FROM frame WHERE status = 'processed') AS frames_scored,
              (SELECT count(*) FROM alert WHERE kind = 'defect') AS alerts`,
    )) as { frames_stored: string | number; frames_scored: string | number; alerts: string | number }[];
    return {
      framesStored: Number(row?.frames_stored ?? 0),
      framesScored: Number(row?.frames_scored ?? 0),
      alerts: Number(row?.alerts ?? 0),
    };
  }
}
