import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit items in the review queue (issue 18 §1, "misses"): a frame that raised no alert but that
 * continual-fine-tune sampled for an operator's look is stored as an `alert` row of kind `audit`,
 * so the console's review flow, box tools and review.submitted event serve it unchanged. Its
 * `detections` are the model's boxes under the alert threshold; `audit_reason` and `uncertainty`
 * say why it was sampled and rank the audit queue.
 *
 * Everything that counts or streams alerts keeps meaning defect alerts: the open-queue indexes
 * (ix_alert_line_open, ix_alert_open_filters) are rebuilt over open defect alerts only, so the
 * queue's counts stay index-only and audit items never enter them; the audit queue has its own
 * partial index in its ranking order.
 */
export class AuditItems1765700000000 implements MigrationInterface {
  readonly name = 'AuditItems1765700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE alert ADD COLUMN kind text NOT NULL DEFAULT 'defect'`);
    await db.query(`ALTER TABLE alert ADD COLUMN audit_reason text`);
    await db.query(`ALTER TABLE alert ADD COLUMN uncertainty double precision`);
    await db.query(`ALTER TABLE alert ADD CONSTRAINT chk_alert_kind CHECK (kind IN ('defect', 'audit'))`);
    // An audit item always says why it was sampled and how uncertain the model was; a defect alert never does.
    await db.query(
      `ALTER TABLE alert ADD CONSTRAINT chk_alert_audit_facts CHECK (
         (kind = 'defect' AND audit_reason IS NULL AND uncertainty IS NULL)
         OR (kind = 'audit' AND audit_reason IN ('near-threshold', 'random') AND uncertainty >= 0 AND uncertainty <= 1))`,
    );
    await db.query(`DROP INDEX ix_alert_line_open`);
    await db.query(
      `CREATE INDEX ix_alert_line_open ON alert (line_id, created_at DESC, id DESC) WHERE status = 'open' AND kind = 'defect'`,
    );
    await db.query(`DROP INDEX ix_alert_open_filters`);
    await db.query(`CREATE INDEX ix_alert_open_filters ON alert (line_id, camera_id, severity) WHERE status = 'open' AND kind = 'defect'`);
    // The audit queue: a line's open items, most uncertain first, ties oldest first (rankAuditItems' rule).
    await db.query(
      `CREATE INDEX ix_alert_audit_open ON alert (line_id, uncertainty DESC, created_at ASC, id ASC) WHERE status = 'open' AND kind = 'audit'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX ix_alert_audit_open`);
    await db.query(`DELETE FROM alert WHERE kind = 'audit'`);
    await db.query(`DROP INDEX ix_alert_open_filters`);
    await db.query(`CREATE INDEX ix_alert_open_filters ON alert (line_id, camera_id, severity) WHERE status = 'open'`);
    await db.query(`DROP INDEX ix_alert_line_open`);
    await db.query(`CREATE INDEX ix_alert_line_open ON alert (line_id, created_at DESC, id DESC) WHERE status = 'open'`);
    await db.query(`ALTER TABLE alert DROP CONSTRAINT chk_alert_audit_facts`);
    await db.query(`ALTER TABLE alert DROP CONSTRAINT chk_alert_kind`);
    await db.query(`ALTER TABLE alert DROP COLUMN uncertainty`);
    await db.query(`ALTER TABLE alert DROP COLUMN audit_reason`);
    await db.query(`ALTER TABLE alert DROP COLUMN kind`);
  }
}
