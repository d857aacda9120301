import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console's new-line wizard (issue 20 §3). A frame picked into a new line's onboarding set is an
 * audit item with reason `onboarding`, so the review page's box tools label it and its review reaches
 * continual-fine-tune as any other label; its uncertainty is 1 so it ranks first in the audit queue.
 * A training job may be an adaptation (`adaptation`: the start and the shot frames, as the request
 * event carries them), so a job re-announced after a crash is the same adaptation.
 */
export class NewLineOnboarding1766000000000 implements MigrationInterface {
  readonly name = 'NewLineOnboarding1766000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE alert DROP CONSTRAINT chk_alert_audit_facts`);
    await db.query(
      `ALTER TABLE alert ADD CONSTRAINT chk_alert_audit_facts CHECK (
         (kind = 'defect' AND audit_reason IS NULL AND uncertainty IS NULL)
         OR (kind = 'audit' AND audit_reason IN ('near-threshold', 'random', 'onboarding') AND uncertainty >= 0 AND uncertainty <= 1))`,
    );
    await db.query(`ALTER TABLE training_job ADD COLUMN adaptation jsonb`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE training_job DROP COLUMN adaptation`);
    await db.query(`DELETE FROM alert WHERE kind = 'audit' AND audit_reason = 'onboarding'`);
    await db.query(`ALTER TABLE alert DROP CONSTRAINT chk_alert_audit_facts`);
    await db.query(
      `ALTER TABLE alert ADD CONSTRAINT chk_alert_audit_facts CHECK (
         (kind = 'defect' AND audit_reason IS NULL AND uncertainty IS NULL)
         OR (kind = 'audit' AND audit_reason IN ('near-threshold', 'random') AND uncertainty >= 0 AND uncertainty <= 1))`,
    );
  }
}
