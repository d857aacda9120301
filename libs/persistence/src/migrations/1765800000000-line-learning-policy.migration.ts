import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A line's own learning policy (issue 18 §2 "per-line policy", §4 auto-promotion): one row per
 * line, written by the console, read by continual-fine-tune.
 *
 * Every trigger column is nullable and NULL means "the service's default" (its configuration), so
 * a row that sets only one threshold keeps following the deployment's other settings as they
 * change. A rule's `*_enabled` NULL: on exactly when the service default has it on.
 * Auto-promotion is NOT NULL DEFAULT false: it is off unless someone turns it on for the line
 * (there is no deployment-wide switch). The line's row deleted, its policy goes with it.
 */
export class LineLearningPolicy1765800000000 implements MigrationInterface {
  readonly name = 'LineLearningPolicy1765800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE line_learning_policy (
        line_id                    text             NOT NULL,
        new_labels_enabled         boolean          NULL,
        min_new_labels             integer          NULL,
        unknown_class_enabled      boolean          NULL,
        reject_rate_enabled        boolean          NULL,
        reject_rate_window         integer          NULL,
        reject_rate_max            double precision NULL,
        score_shift_enabled        boolean          NULL,
        score_shift_max_distance   double precision NULL,
        score_shift_min_frames     integer          NULL,
        schedule_enabled           boolean          NULL,
        schedule_hours             double precision NULL,
        auto_promote_enabled       boolean          NOT NULL DEFAULT false,
        auto_promote_min_frames    integer          NULL,
        auto_promote_min_agreement double precision NULL,
        updated_by                 text             NOT NULL,
        updated_at                 timestamptz(3)   NOT NULL DEFAULT now(),
        CONSTRAINT pk_line_learning_policy PRIMARY KEY (line_id),
        CONSTRAINT fk_line_learning_policy_line FOREIGN KEY (line_id) REFERENCES production_line (id) ON DELETE CASCADE,
        CONSTRAINT chk_line_learning_policy_min_new_labels CHECK (min_new_labels IS NULL OR min_new_labels >= 1),
        CONSTRAINT chk_line_learning_policy_reject_rate_window CHECK (reject_rate_window IS NULL OR reject_rate_window >= 1),
        CONSTRAINT chk_line_learning_policy_reject_rate_max CHECK (reject_rate_max IS NULL OR (reject_rate_max >= 0 AND reject_rate_max < 1)),
        CONSTRAINT chk_line_learning_policy_score_shift_max_distance
          CHECK (score_shift_max_distance IS NULL OR (score_shift_max_distance > 0 AND score_shift_max_distance < 1)),
        CONSTRAINT chk_line_learning_policy_score_shift_min_frames CHECK (score_shift_min_frames IS NULL OR score_shift_min_frames >= 1),
        CONSTRAINT chk_line_learning_policy_schedule_hours CHECK (schedule_hours IS NULL OR schedule_hours > 0),
        CONSTRAINT chk_line_learning_policy_auto_promote_min_frames CHECK (auto_promote_min_frames IS NULL OR auto_promote_min_frames >= 1),
        CONSTRAINT chk_line_learning_policy_auto_promote_min_agreement
          CHECK (auto_promote_min_agreement IS NULL OR (auto_promote_min_agreement >= 0 AND auto_promote_min_agreement <= 1)),
        CONSTRAINT chk_line_learning_policy_updated_by CHECK (char_length(updated_by) BETWEEN 1 AND 128)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE line_learning_policy`);
  }
}
