import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where a candidate found by architecture search came from (issue 19 §4): one row per model version
 * that the full training of a search's trial registered — the search, the trial, the controller
 * that proposed it, the line it was trained for, who asked. A row of its own beside model_version
 * (rather than columns on it) because most versions have no search behind them; the version
 * deleted, its lineage goes with it. The search id is not a foreign key: a search's rows may be
 * pruned while the candidates it produced stay in the registry.
 */
export class SearchCandidateLineage1765900100000 implements MigrationInterface {
  readonly name = 'SearchCandidateLineage1765900100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE model_version_search_lineage (
        model_version_id uuid           NOT NULL,
        request_id       uuid           NOT NULL,
        search_id        uuid           NOT NULL,
        trial_id         text           NOT NULL,
        controller       text           NOT NULL,
        line_id          text           NOT NULL,
        requested_by     text           NOT NULL,
        created_at       timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT pk_model_version_search_lineage PRIMARY KEY (model_version_id),
        CONSTRAINT uq_model_version_search_lineage_request UNIQUE (request_id),
        CONSTRAINT fk_model_version_search_lineage_version FOREIGN KEY (model_version_id) REFERENCES model_version (id) ON DELETE CASCADE,
        CONSTRAINT chk_model_version_search_lineage_controller CHECK (controller IN ('ppo', 'evolution', 'random')),
        CONSTRAINT chk_model_version_search_lineage_trial_id CHECK (char_length(trial_id) BETWEEN 1 AND 128),
        CONSTRAINT chk_model_version_search_lineage_requested_by CHECK (char_length(requested_by) BETWEEN 1 AND 128)
      )`);
    await db.query(`CREATE INDEX idx_model_version_search_lineage_search ON model_version_search_lineage (search_id, created_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE model_version_search_lineage`);
  }
}
