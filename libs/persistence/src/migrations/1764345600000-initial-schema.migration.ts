import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first slice of the Argus schema, written by hand (not generated) and reviewed as SQL.
 *
 * Conventions: snake_case; constraint names pk_/fk_/uq_/ix_/chk_<table>_<what> (the entities
 * repeat them, so TypeORM's schema diff stays empty); text + CHECK instead of Postgres enums (a
 * new value is one constraint swap, no ALTER TYPE outside a transaction); timestamptz(3) everywhere.
 * gen_random_uuid() comes from pgcrypto so the same SQL runs on embedded PGlite.
 * Timestamps are timestamptz(3): JavaScript dates carry milliseconds, so a stored value reads back
 * exactly and a keyset cursor built from a returned Date matches its row (microseconds would not).
 */
export class InitialSchema1764345600000 implements MigrationInterface {
  readonly name = 'InitialSchema1764345600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);

    // --- Lines, cameras and what the console edits per line ---------------------------------
    await db.query(`
      CREATE TABLE production_line (
        id          text        NOT NULL,
        name        text        NOT NULL,
        settings    jsonb       NOT NULL DEFAULT '{}'::jsonb,
        created_at  timestamptz(3) NOT NULL DEFAULT now(),
        updated_at  timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT pk_production_line PRIMARY KEY (id),
        CONSTRAINT chk_production_line_id_slug CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        CONSTRAINT chk_production_line_name CHECK (char_length(name) BETWEEN 1 AND 200),
        CONSTRAINT chk_production_line_settings CHECK (jsonb_typeof(settings) = 'object')
      )`);

    // A camera slug is unique within its line ("cam-top" exists on many lines): composite key.
    await db.query(`
      CREATE TABLE camera (
        line_id     text        NOT NULL,
        id          text        NOT NULL,
        name        text        NOT NULL,
        settings    jsonb       NOT NULL DEFAULT '{}'::jsonb,
        created_at  timestamptz(3) NOT NULL DEFAULT now(),
        updated_at  timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT pk_camera PRIMARY KEY (line_id, id),
        CONSTRAINT fk_camera_line FOREIGN KEY (line_id) REFERENCES production_line (id) ON DELETE CASCADE,
        CONSTRAINT chk_camera_id_slug CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
        CONSTRAINT chk_camera_name CHECK (char_length(name) BETWEEN 1 AND 200),
        CONSTRAINT chk_camera_settings CHECK (jsonb_typeof(settings) = 'object')
      )`);

    // One rule per line and detected class; class_name '*' is the line's default for other classes.
    await db.query(`
      CREATE TABLE line_alert_rule (
        line_id          text             NOT NULL,
        class_name       text             NOT NULL,
        min_score        double precision NOT NULL,
        min_box_area_px2 double precision NOT NULL DEFAULT 0,
        severity         text             NOT NULL,
        created_at       timestamptz(3)      NOT NULL DEFAULT now(),
        updated_at       timestamptz(3)      NOT NULL DEFAULT now(),
        CONSTRAINT pk_line_alert_rule PRIMARY KEY (line_id, class_name),
        CONSTRAINT fk_line_alert_rule_line FOREIGN KEY (line_id) REFERENCES production_line (id) ON DELETE CASCADE,
        CONSTRAINT chk_line_alert_rule_class CHECK (char_length(class_name) BETWEEN 1 AND 64),
        CONSTRAINT chk_line_alert_rule_min_score CHECK (min_score >= 0 AND min_score <= 1),
        CONSTRAINT chk_line_alert_rule_min_area CHECK (min_box_area_px2 >= 0),
        CONSTRAINT chk_line_alert_rule_severity CHECK (severity IN ('low', 'medium', 'high', 'critical'))
      )`);

    // The line's golden template (a defect-free part), at most one current one per line.
    await db.query(`
      CREATE TABLE line_template (
        line_id     text        NOT NULL,
        object_key  text        NOT NULL,
        width       integer     NOT NULL,
        height      integer     NOT NULL,
        created_at  timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT pk_line_template PRIMARY KEY (line_id),
        CONSTRAINT fk_line_template_line FOREIGN KEY (line_id) REFERENCES production_line (id) ON DELETE CASCADE,
        CONSTRAINT chk_line_template_size CHECK (width > 0 AND height > 0)
      )`);

    // --- Frames ------------------------------------------------------------------------------
    await db.query(`
      CREATE TABLE frame (
        id             uuid        NOT NULL DEFAULT gen_random_uuid(),
        line_id        text        NOT NULL,
        camera_id      text        NOT NULL,
        object_key     text        NOT NULL,
        content_type   text        NOT NULL,
        width          integer     NOT NULL,
        height         integer     NOT NULL,
        byte_size      integer     NOT NULL,
        sha256         text        NOT NULL,
        captured_at    timestamptz(3) NOT NULL,
        ingested_at    timestamptz(3) NOT NULL DEFAULT now(),
        status         text        NOT NULL DEFAULT 'ingested',
        failure_reason text        NULL,
        CONSTRAINT pk_frame PRIMARY KEY (id),
        CONSTRAINT fk_frame_camera FOREIGN KEY (line_id, camera_id) REFERENCES camera (line_id, id) ON DELETE RESTRICT,
        -- The same bytes from the same camera are the same frame: uploads are idempotent.
        CONSTRAINT uq_frame_camera_sha256 UNIQUE (camera_id, line_id, sha256),
        CONSTRAINT chk_frame_content_type CHECK (content_type IN ('image/jpeg', 'image/png')),
        CONSTRAINT chk_frame_size CHECK (width > 0 AND height > 0 AND byte_size > 0),
        CONSTRAINT chk_frame_sha256 CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        CONSTRAINT chk_frame_status CHECK (status IN ('ingested', 'processed', 'failed')),
        CONSTRAINT chk_frame_failure_reason CHECK ((status = 'failed') = (failure_reason IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX ix_frame_camera_captured ON frame (line_id, camera_id, captured_at DESC, id DESC)`);
    await db.query(`CREATE INDEX ix_frame_line_ingested ON frame (line_id, ingested_at DESC)`);

    // --- Model registry ------------------------------------------------------------------------
    await db.query(`
      CREATE TABLE model_version (
        id                        uuid        NOT NULL DEFAULT gen_random_uuid(),
        name                      text        NOT NULL,
        version                   text        NOT NULL,
        artifact_key              text        NOT NULL,
        classes                   jsonb       NOT NULL,
        spec                      jsonb       NOT NULL DEFAULT '{}'::jsonb,
        metrics                   jsonb       NOT NULL DEFAULT '{}'::jsonb,
        uses_template             boolean     NOT NULL DEFAULT false,
        parent_version_id         uuid        NULL,
        training_data_fingerprint text        NULL,
        backend                   text        NOT NULL,
        created_at                timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT pk_model_version PRIMARY KEY (id),
        CONSTRAINT uq_model_version_name_version UNIQUE (name, version),
        CONSTRAINT fk_model_version_parent FOREIGN KEY (parent_version_id) REFERENCES model_version (id) ON DELETE RESTRICT,
        CONSTRAINT chk_model_version_not_own_parent CHECK (parent_version_id <> id),
        CONSTRAINT chk_model_version_classes CHECK (jsonb_typeof(classes) = 'array' AND jsonb_array_length(classes) > 0),
        CONSTRAINT chk_model_version_metrics CHECK (jsonb_typeof(metrics) = 'object')
      )`);
    await db.query(`CREATE INDEX ix_model_version_parent ON model_version (parent_version_id) WHERE parent_version_id IS NOT NULL`);

    // --- Inference results ---------------------------------------------------------------------
    // One row per (frame, model version) scored: the idempotency key for detections. A redelivered
    // detections event finds it and writes nothing; detections hang off it and go with it.
    await db.query(`
      CREATE TABLE frame_inference (
        frame_id         uuid             NOT NULL,
        model_version_id uuid             NOT NULL,
        detection_count  integer          NOT NULL,
        inference_ms     double precision NULL,
        created_at       timestamptz(3)      NOT NULL DEFAULT now(),
        CONSTRAINT pk_frame_inference PRIMARY KEY (frame_id, model_version_id),
        CONSTRAINT fk_frame_inference_frame FOREIGN KEY (frame_id) REFERENCES frame (id) ON DELETE CASCADE,
        CONSTRAINT fk_frame_inference_model_version FOREIGN KEY (model_version_id) REFERENCES model_version (id) ON DELETE RESTRICT,
        CONSTRAINT chk_frame_inference_count CHECK (detection_count >= 0)
      )`);
    await db.query(`CREATE INDEX ix_frame_inference_model_version ON frame_inference (model_version_id)`);

    await db.query(`
      CREATE TABLE detection (
        id               uuid             NOT NULL DEFAULT gen_random_uuid(),
        frame_id         uuid             NOT NULL,
        model_version_id uuid             NOT NULL,
        ordinal          integer          NOT NULL,
        class_name       text             NOT NULL,
        score            double precision NOT NULL,
        x1               double precision NOT NULL,
        y1               double precision NOT NULL,
        x2               double precision NOT NULL,
        y2               double precision NOT NULL,
        created_at       timestamptz(3)      NOT NULL DEFAULT now(),
        CONSTRAINT pk_detection PRIMARY KEY (id),
        CONSTRAINT fk_detection_frame_inference FOREIGN KEY (frame_id, model_version_id)
          REFERENCES frame_inference (frame_id, model_version_id) ON DELETE CASCADE,
        CONSTRAINT uq_detection_inference_ordinal UNIQUE (frame_id, model_version_id, ordinal),
        CONSTRAINT chk_detection_class CHECK (char_length(class_name) BETWEEN 1 AND 64),
        CONSTRAINT chk_detection_score CHECK (score >= 0 AND score <= 1),
        CONSTRAINT chk_detection_box CHECK (x1 >= 0 AND y1 >= 0 AND x2 > x1 AND y2 > y1)
      )`);

    // --- Alerts and reviews --------------------------------------------------------------------
    await db.query(`
      CREATE TABLE alert (
        id               uuid        NOT NULL DEFAULT gen_random_uuid(),
        frame_id         uuid        NOT NULL,
        line_id          text        NOT NULL,
        camera_id        text        NOT NULL,
        model_version_id uuid        NOT NULL,
        severity         text        NOT NULL,
        status           text        NOT NULL DEFAULT 'open',
        detections       jsonb       NOT NULL,
        created_at       timestamptz(3) NOT NULL DEFAULT now(),
        updated_at       timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT pk_alert PRIMARY KEY (id),
        -- One alert per frame and model version: a redelivered event cannot raise a second one.
        CONSTRAINT uq_alert_frame_model_version UNIQUE (frame_id, model_version_id),
        CONSTRAINT fk_alert_frame FOREIGN KEY (frame_id) REFERENCES frame (id) ON DELETE RESTRICT,
        CONSTRAINT fk_alert_camera FOREIGN KEY (line_id, camera_id) REFERENCES camera (line_id, id) ON DELETE RESTRICT,
        CONSTRAINT fk_alert_model_version FOREIGN KEY (model_version_id) REFERENCES model_version (id) ON DELETE RESTRICT,
        CONSTRAINT chk_alert_severity CHECK (severity IN ('low', 'medium', 'high', 'critical')),
        CONSTRAINT chk_alert_status CHECK (status IN ('open', 'confirmed', 'rejected', 'corrected')),
        CONSTRAINT chk_alert_detections CHECK (jsonb_typeof(detections) = 'array')
      )`);
    // The console's queue: open alerts of a line, newest first (keyset-paginated on created_at, id).
    await db.query(`CREATE INDEX ix_alert_line_open ON alert (line_id, created_at DESC, id DESC) WHERE status = 'open'`);
    await db.query(`CREATE INDEX ix_alert_line_created ON alert (line_id, created_at DESC, id DESC)`);

    // Several reviews per alert are kept: conflicting decisions stay on record; the latest sets the status.
    await db.query(`
      CREATE TABLE review (
        id          uuid        NOT NULL DEFAULT gen_random_uuid(),
        alert_id    uuid        NOT NULL,
        reviewer_id uuid        NOT NULL,
        decision    text        NOT NULL,
        boxes       jsonb       NOT NULL DEFAULT '[]'::jsonb,
        comment     text        NULL,
        created_at  timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT pk_review PRIMARY KEY (id),
        CONSTRAINT fk_review_alert FOREIGN KEY (alert_id) REFERENCES alert (id) ON DELETE CASCADE,
        CONSTRAINT chk_review_decision CHECK (decision IN ('confirmed', 'rejected', 'corrected')),
        CONSTRAINT chk_review_boxes CHECK (jsonb_typeof(boxes) = 'array'),
        CONSTRAINT chk_review_comment CHECK (char_length(comment) <= 2000)
      )`);
    await db.query(`CREATE INDEX ix_review_alert_created ON review (alert_id, created_at)`);

    // --- Which model serves which line, and how it got there -----------------------------------
    // previous_promotion_id: the entry that was in production beneath this one, stack-wise;
    // a rollback returns to it. Kept on each row so rollback never has to replay history.
    await db.query(`
      CREATE TABLE model_promotion (
        id                    uuid        NOT NULL DEFAULT gen_random_uuid(),
        line_id               text        NOT NULL,
        from_version_id       uuid        NULL,
        to_version_id         uuid        NOT NULL,
        kind                  text        NOT NULL,
        promoted_by           text        NOT NULL,
        reason                text        NOT NULL,
        previous_promotion_id uuid        NULL,
        promoted_at           timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT pk_model_promotion PRIMARY KEY (id),
        CONSTRAINT fk_model_promotion_line FOREIGN KEY (line_id) REFERENCES production_line (id) ON DELETE CASCADE,
        CONSTRAINT fk_model_promotion_from_version FOREIGN KEY (from_version_id) REFERENCES model_version (id) ON DELETE RESTRICT,
        CONSTRAINT fk_model_promotion_to_version FOREIGN KEY (to_version_id) REFERENCES model_version (id) ON DELETE RESTRICT,
        CONSTRAINT fk_model_promotion_previous FOREIGN KEY (previous_promotion_id) REFERENCES model_promotion (id) ON DELETE RESTRICT,
        CONSTRAINT chk_model_promotion_kind CHECK (kind IN ('promotion', 'rollback')),
        CONSTRAINT chk_model_promotion_changes CHECK (from_version_id IS DISTINCT FROM to_version_id),
        CONSTRAINT chk_model_promotion_by CHECK (char_length(promoted_by) BETWEEN 1 AND 128),
        CONSTRAINT chk_model_promotion_reason CHECK (char_length(reason) BETWEEN 1 AND 2000)
      )`);
    await db.query(`CREATE INDEX ix_model_promotion_line_at ON model_promotion (line_id, promoted_at DESC, id DESC)`);

    await db.query(`
      CREATE TABLE line_production_model (
        line_id          text        NOT NULL,
        model_version_id uuid        NOT NULL,
        promotion_id     uuid        NOT NULL,
        promoted_at      timestamptz(3) NOT NULL,
        CONSTRAINT pk_line_production_model PRIMARY KEY (line_id),
        CONSTRAINT fk_line_production_model_line FOREIGN KEY (line_id) REFERENCES production_line (id) ON DELETE CASCADE,
        CONSTRAINT fk_line_production_model_version FOREIGN KEY (model_version_id) REFERENCES model_version (id) ON DELETE RESTRICT,
        CONSTRAINT fk_line_production_model_promotion FOREIGN KEY (promotion_id) REFERENCES model_promotion (id) ON DELETE RESTRICT
      )`);
    await db.query(`CREATE INDEX ix_line_production_model_version ON line_production_model (model_version_id)`);

    // --- Audit log: append-only, enforced by the database, not by convention ---------------------
    await db.query(`
      CREATE TABLE audit_log (
        id           bigserial   NOT NULL,
        actor        text        NOT NULL,
        action       text        NOT NULL,
        subject_type text        NOT NULL,
        subject_id   text        NOT NULL,
        "before"     jsonb       NULL,
        "after"      jsonb       NULL,
        at           timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT pk_audit_log PRIMARY KEY (id),
        CONSTRAINT chk_audit_log_actor CHECK (char_length(actor) BETWEEN 1 AND 128),
        CONSTRAINT chk_audit_log_action CHECK (char_length(action) BETWEEN 1 AND 128)
      )`);
    await db.query(`CREATE INDEX ix_audit_log_subject ON audit_log (subject_type, subject_id, id DESC)`);
    await db.query(`
      CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
          USING ERRCODE = 'restrict_violation',
                HINT = 'record a correcting entry instead';
      END
      $$`);
    await db.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()`);
    await db.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`);
  }

  async down(db: QueryRunner): Promise<void> {
    // Reverse order of creation. pgcrypto stays: it may predate us, and dropping it is not ours to decide.
    await db.query(`DROP TABLE audit_log`);
    await db.query(`DROP FUNCTION audit_log_refuse_change()`);
    await db.query(`DROP TABLE line_production_model`);
    await db.query(`DROP TABLE model_promotion`);
    await db.query(`DROP TABLE review`);
    await db.query(`DROP TABLE alert`);
    await db.query(`DROP TABLE detection`);
    await db.query(`DROP TABLE frame_inference`);
    await db.query(`DROP TABLE model_version`);
    await db.query(`DROP TABLE frame`);
    await db.query(`DROP TABLE line_template`);
    await db.query(`DROP TABLE line_alert_rule`);
    await db.query(`DROP TABLE camera`);
    await db.query(`DROP TABLE production_line`);
  }
}
