import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Shadow models (issue 18 §4): a candidate scored beside a line's production model, its results
 * kept apart and never alerted on.
 *
 * - `line_shadow_model`: at most one shadow per line (the primary key), replaced by a newer one,
 *   deleted when it ends. A shadow that the line has meanwhile promoted is no shadow: readers join
 *   `line_production_model` and skip it, so a promotion ends the shadow even before anyone deletes
 *   the row.
 * - `shadow_detection`: what the shadow found on a frame, one row per (frame, version) so a
 *   redelivered frame stores once. The detections are one jsonb array, not `detection` rows: they
 *   are read only as a whole, to compare with production, and must never be mistaken for the
 *   frame's results by anything that reads `detection`. `line_id` is copied from the frame so the
 *   statistics of a line and version read one index range. Rows go with their frame (retention).
 */
export class ShadowModels1765600000000 implements MigrationInterface {
  readonly name = 'ShadowModels1765600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE line_shadow_model (
        line_id          text           NOT NULL,
        model_version_id uuid           NOT NULL,
        since            timestamptz(3) NOT NULL DEFAULT now(),
        set_by           text           NOT NULL,
        reason           text           NOT NULL,
        CONSTRAINT pk_line_shadow_model PRIMARY KEY (line_id),
        CONSTRAINT fk_line_shadow_model_line FOREIGN KEY (line_id) REFERENCES production_line (id) ON DELETE CASCADE,
        CONSTRAINT fk_line_shadow_model_version FOREIGN KEY (model_version_id) REFERENCES model_version (id) ON DELETE RESTRICT,
        CONSTRAINT chk_line_shadow_model_set_by CHECK (char_length(set_by) BETWEEN 1 AND 128),
        CONSTRAINT chk_line_shadow_model_reason CHECK (char_length(reason) BETWEEN 1 AND 2000)
      )`);
    await db.query(`CREATE INDEX ix_line_shadow_model_version ON line_shadow_model (model_version_id)`);

    await db.query(`
      CREATE TABLE shadow_detection (
        frame_id         uuid             NOT NULL,
        model_version_id uuid             NOT NULL,
        line_id          text             NOT NULL,
        detections       jsonb            NOT NULL,
        inference_ms     double precision NULL,
        created_at       timestamptz(3)   NOT NULL DEFAULT now(),
        CONSTRAINT pk_shadow_detection PRIMARY KEY (frame_id, model_version_id),
        CONSTRAINT fk_shadow_detection_frame FOREIGN KEY (frame_id) REFERENCES frame (id) ON DELETE CASCADE,
        CONSTRAINT fk_shadow_detection_model_version FOREIGN KEY (model_version_id) REFERENCES model_version (id) ON DELETE RESTRICT,
        CONSTRAINT chk_shadow_detection_detections CHECK (jsonb_typeof(detections) = 'array'),
        CONSTRAINT chk_shadow_detection_inference_ms CHECK (inference_ms IS NULL OR inference_ms >= 0)
      )`);
    await db.query(`CREATE INDEX ix_shadow_detection_line_version ON shadow_detection (line_id, model_version_id, created_at)`);
    await db.query(`CREATE INDEX ix_shadow_detection_model_version ON shadow_detection (model_version_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE shadow_detection`);
    await db.query(`DROP TABLE line_shadow_model`);
  }
}
