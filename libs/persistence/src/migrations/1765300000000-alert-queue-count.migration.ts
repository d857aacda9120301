import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The review queue's size (issue 15): the console counts the open alerts matching the queue's
 * filter (line, camera, severity) and each line's backlog. A partial index over open alerts holds
 * every column those filters name, so the count is an index-only scan of the open alerts alone
 * (bounded by the console's exact-count limit) however many reviewed alerts the table keeps.
 */
export class AlertQueueCount1765300000000 implements MigrationInterface {
  readonly name = 'AlertQueueCount1765300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE INDEX ix_alert_open_filters ON alert (line_id, camera_id, severity) WHERE status = 'open'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX ix_alert_open_filters`);
  }
}
