import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the console's pages read (issue 5):
 * - `model_version.evaluation`: a compact evaluation report (overall and per-class AP, thinned
 *   PR curves) written at registration from the package's `evaluation.json`; null when none.
 * - `model_version.training_data`: the lineage of the training data (source, fingerprint, split),
 *   so the console shows where a version came from without reading the artifact.
 * - `frame.template_key`: the golden template the frame was ingested with (a replayed data set
 *   carries one per frame, not one per line); review-submitted names it for fine-tuning.
 * - indexes for the review queue across lines (`status`, newest first) and for "alerts with a
 *   detection of class X" (jsonb containment, `jsonb_path_ops`).
 */
export class ConsoleReviewAndModelEvaluation1764950500000 implements MigrationInterface {
  readonly name = 'ConsoleReviewAndModelEvaluation1764950500000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE model_version ADD COLUMN evaluation jsonb NULL`);
    await db.query(`ALTER TABLE model_version ADD COLUMN training_data jsonb NULL`);
    await db.query(`
      ALTER TABLE model_version ADD CONSTRAINT chk_model_version_evaluation
        CHECK (evaluation IS NULL OR jsonb_typeof(evaluation) = 'object')`);
    await db.query(`
      ALTER TABLE model_version ADD CONSTRAINT chk_model_version_training_data
        CHECK (training_data IS NULL OR jsonb_typeof(training_data) = 'object')`);
    await db.query(`ALTER TABLE frame ADD COLUMN template_key text NULL`);
    await db.query(`CREATE INDEX ix_alert_status_created ON alert (status, created_at DESC, id DESC)`);
    await db.query(`CREATE INDEX ix_alert_detections ON alert USING gin (detections jsonb_path_ops)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX ix_alert_detections`);
    await db.query(`DROP INDEX ix_alert_status_created`);
    await db.query(`ALTER TABLE frame DROP COLUMN template_key`);
    await db.query(`ALTER TABLE model_version DROP CONSTRAINT chk_model_version_training_data`);
    await db.query(`ALTER TABLE model_version DROP CONSTRAINT chk_model_version_evaluation`);
    await db.query(`ALTER TABLE model_version DROP COLUMN training_data`);
    await db.query(`ALTER TABLE model_version DROP COLUMN evaluation`);
  }
}
