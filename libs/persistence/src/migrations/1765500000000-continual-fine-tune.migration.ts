import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The continual fine-tune loop (issue 18): operators' reviews as training labels, the resolved
 * label of each frame, immutable data set versions and the training jobs' ledger.
 *
 * - `frame_label` keeps every review of a frame (one row per review, so a redelivered review
 *   records once); `labelled_frame` the label those reviews resolve to, with the conflict if they
 *   disagree. `changed_at` is the statement's clock, not the transaction's, so a label committed
 *   late still reads as changed after a job created meanwhile.
 * - `dataset_version` rows are written once, after their content is in the object store.
 * - `training_job`: the partial unique index is what makes "one queued or running job per line"
 *   hold under concurrent triggers, whatever the callers checked before.
 */
export class ContinualFineTune1765500000000 implements MigrationInterface {
  readonly name = 'ContinualFineTune1765500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE frame_label (
        review_id    uuid           NOT NULL,
        frame_id     uuid           NOT NULL,
        line_id      text           NOT NULL,
        camera_id    text           NOT NULL,
        reviewer_id  uuid           NOT NULL,
        decision     text           NOT NULL,
        boxes        jsonb          NOT NULL,
        object_key   text           NOT NULL,
        template_key text           NULL,
        reviewed_at  timestamptz(3) NOT NULL,
        recorded_at  timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT pk_frame_label PRIMARY KEY (review_id),
        CONSTRAINT fk_frame_label_frame FOREIGN KEY (frame_id) REFERENCES frame (id) ON DELETE CASCADE,
        CONSTRAINT chk_frame_label_decision CHECK (decision IN ('confirmed', 'rejected', 'corrected')),
        CONSTRAINT chk_frame_label_boxes CHECK (jsonb_typeof(boxes) = 'array')
      )`);
    await db.query(`CREATE INDEX ix_frame_label_frame ON frame_label (frame_id)`);

    await db.query(`
      CREATE TABLE labelled_frame (
        frame_id         uuid           NOT NULL,
        line_id          text           NOT NULL,
        winner_review_id uuid           NOT NULL,
        label            jsonb          NOT NULL,
        conflict         jsonb          NULL,
        changed_at       timestamptz(3) NOT NULL DEFAULT clock_timestamp(),
        CONSTRAINT pk_labelled_frame PRIMARY KEY (frame_id),
        CONSTRAINT fk_labelled_frame_frame FOREIGN KEY (frame_id) REFERENCES frame (id) ON DELETE CASCADE,
        CONSTRAINT chk_labelled_frame_label CHECK (jsonb_typeof(label) = 'object'),
        CONSTRAINT chk_labelled_frame_conflict CHECK (conflict IS NULL OR jsonb_typeof(conflict) = 'object')
      )`);
    await db.query(`CREATE INDEX ix_labelled_frame_line_changed ON labelled_frame (line_id, changed_at)`);

    await db.query(`
      CREATE TABLE dataset_version (
        id            uuid             NOT NULL DEFAULT gen_random_uuid(),
        line_id       text             NOT NULL,
        number        integer          NOT NULL,
        parent_id     uuid             NULL,
        fingerprint   text             NOT NULL,
        holdout_share double precision NOT NULL,
        classes       jsonb            NOT NULL,
        counts        jsonb            NOT NULL,
        changes       jsonb            NOT NULL,
        content_key   text             NOT NULL,
        manifest_key  text             NOT NULL,
        coco_key      text             NOT NULL,
        produced_by   text             NOT NULL,
        created_at    timestamptz(3)   NOT NULL DEFAULT now(),
        CONSTRAINT pk_dataset_version PRIMARY KEY (id),
        CONSTRAINT uq_dataset_version_line_number UNIQUE (line_id, number),
        CONSTRAINT fk_dataset_version_line FOREIGN KEY (line_id) REFERENCES production_line (id) ON DELETE CASCADE,
        CONSTRAINT fk_dataset_version_parent FOREIGN KEY (parent_id) REFERENCES dataset_version (id) ON DELETE RESTRICT,
        CONSTRAINT chk_dataset_version_number CHECK (number >= 1),
        CONSTRAINT chk_dataset_version_not_own_parent CHECK (parent_id <> id),
        CONSTRAINT chk_dataset_version_fingerprint CHECK (fingerprint ~ '^sha256:[0-9a-f]{64}$'),
        CONSTRAINT chk_dataset_version_holdout_share CHECK (holdout_share > 0 AND holdout_share < 1),
        CONSTRAINT chk_dataset_version_classes CHECK (jsonb_typeof(classes) = 'array'),
        CONSTRAINT chk_dataset_version_counts CHECK (jsonb_typeof(counts) = 'object'),
        CONSTRAINT chk_dataset_version_changes CHECK (jsonb_typeof(changes) = 'object'),
        CONSTRAINT chk_dataset_version_produced_by CHECK (char_length(produced_by) BETWEEN 1 AND 128)
      )`);

    await db.query(`
      CREATE TABLE training_job (
        id                         uuid           NOT NULL,
        line_id                    text           NOT NULL,
        dataset_version_id         uuid           NOT NULL,
        base_model_version_id      uuid           NOT NULL,
        base_artifact_key          text           NOT NULL,
        triggers                   jsonb          NOT NULL,
        requested_by               text           NOT NULL,
        epochs                     integer        NOT NULL,
        seed                       integer        NOT NULL,
        status                     text           NOT NULL DEFAULT 'queued',
        attempt                    integer        NOT NULL DEFAULT 0,
        worker_id                  text           NULL,
        cancel_requested           boolean        NOT NULL DEFAULT false,
        progress                   jsonb          NULL,
        progress_at                timestamptz(3) NULL,
        outcome                    jsonb          NULL,
        candidate_model_version_id uuid           NULL,
        gates_passed               boolean        NULL,
        announced_at               timestamptz(3) NULL,
        created_at                 timestamptz(3) NOT NULL DEFAULT now(),
        started_at                 timestamptz(3) NULL,
        finished_at                timestamptz(3) NULL,
        CONSTRAINT pk_training_job PRIMARY KEY (id),
        CONSTRAINT fk_training_job_line FOREIGN KEY (line_id) REFERENCES production_line (id) ON DELETE CASCADE,
        CONSTRAINT fk_training_job_dataset_version FOREIGN KEY (dataset_version_id) REFERENCES dataset_version (id) ON DELETE RESTRICT,
        CONSTRAINT fk_training_job_base_model_version FOREIGN KEY (base_model_version_id) REFERENCES model_version (id) ON DELETE RESTRICT,
        CONSTRAINT fk_training_job_candidate_model_version FOREIGN KEY (candidate_model_version_id)
          REFERENCES model_version (id) ON DELETE RESTRICT,
        CONSTRAINT chk_training_job_status CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
        CONSTRAINT chk_training_job_triggers CHECK (jsonb_typeof(triggers) = 'array'),
        CONSTRAINT chk_training_job_requested_by CHECK (char_length(requested_by) BETWEEN 1 AND 128),
        CONSTRAINT chk_training_job_epochs CHECK (epochs > 0),
        CONSTRAINT chk_training_job_attempt CHECK (attempt >= 0),
        CONSTRAINT chk_training_job_outcome CHECK ((status IN ('completed', 'failed', 'cancelled')) = (outcome IS NOT NULL))
      )`);
    await db.query(`CREATE UNIQUE INDEX uq_training_job_line_active ON training_job (line_id) WHERE status IN ('queued', 'running')`);
    await db.query(`CREATE INDEX ix_training_job_line_created ON training_job (line_id, created_at DESC, id DESC)`);
    await db.query(
      `CREATE INDEX ix_training_job_unannounced ON training_job (created_at) WHERE announced_at IS NULL AND status = 'queued'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE training_job`);
    await db.query(`DROP TABLE dataset_version`);
    await db.query(`DROP TABLE labelled_frame`);
    await db.query(`DROP TABLE frame_label`);
  }
}
