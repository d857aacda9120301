import type { EntityManager } from 'typeorm';
import { LineNotFoundError } from './persistence.errors';

/**
 * Locks the line's row until the transaction ends, so writers of one line's configuration or
 * production model apply one after the other. Throws `LineNotFoundError` when there is no such line.
 */
export async function lockLine(manager: EntityManager, lineId: string): Promise<void> {
  const rows = (await manager.query(`SELECT id FROM production_line WHERE id = $1 FOR UPDATE`, [lineId])) as unknown[];
  if (rows.length === 0) throw new LineNotFoundError(lineId);
}
