import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Architecture search (issue 19 §3): the searches and their trials, written by the
 * architecture-search service's controller, read by its trial workers and the console.
 *
 * - `architecture_search`: one row per search. `settings` is the request as the controller
 *   received it; `engine_state` is the search engine's JSON state (controller, in-flight trials,
 *   successive halving), rewritten in the same transaction as every trial result it counted, so a
 *   controller killed at any point resumes from a state that has counted each result exactly once.
 *   The progress columns repeat what the state says, for the console's lists.
 * - `architecture_search_trial`: one row per trial and rung, created when the controller requests
 *   it and completed by the controller when a worker's answer is counted. UNIQUE (search, trial,
 *   rung): a re-published request or a duplicate answer cannot add a row. The search deleted, its
 *   trials go with it.
 */
export class ArchitectureSearch1765900000000 implements MigrationInterface {
  readonly name = 'ArchitectureSearch1765900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE architecture_search (
        id                uuid             NOT NULL,
        line_id           text             NOT NULL,
        name              text             NOT NULL,
        controller        text             NOT NULL,
        status            text             NOT NULL DEFAULT 'running',
        settings          jsonb            NOT NULL,
        engine_state      jsonb            NULL,
        front             jsonb            NOT NULL DEFAULT '[]'::jsonb,
        requested         integer          NOT NULL DEFAULT 0,
        completed         integer          NOT NULL DEFAULT 0,
        failed            integer          NOT NULL DEFAULT 0,
        in_flight         integer          NOT NULL DEFAULT 0,
        best_ap           double precision NULL,
        best_latency_ms   double precision NULL,
        front_size        integer          NOT NULL DEFAULT 0,
        elapsed_seconds   double precision NOT NULL DEFAULT 0,
        stop_reason       text             NULL,
        requested_by      text             NOT NULL,
        created_at        timestamptz(3)   NOT NULL DEFAULT now(),
        updated_at        timestamptz(3)   NOT NULL DEFAULT now(),
        finished_at       timestamptz(3)   NULL,
        CONSTRAINT pk_architecture_search PRIMARY KEY (id),
        CONSTRAINT chk_architecture_search_status CHECK (status IN ('running', 'completed', 'cancelled', 'failed')),
        CONSTRAINT chk_architecture_search_controller CHECK (controller IN ('ppo', 'evolution', 'random')),
        CONSTRAINT chk_architecture_search_name CHECK (char_length(name) BETWEEN 1 AND 128),
        CONSTRAINT chk_architecture_search_requested_by CHECK (char_length(requested_by) BETWEEN 1 AND 128),
        CONSTRAINT chk_architecture_search_front CHECK (jsonb_typeof(front) = 'array')
      )`);
    await db.query(`CREATE INDEX ix_architecture_search_line ON architecture_search (line_id, created_at)`);
    await db.query(`CREATE INDEX ix_architecture_search_running ON architecture_search (status) WHERE status = 'running'`);

    await db.query(`
      CREATE TABLE architecture_search_trial (
        search_id         uuid             NOT NULL,
        trial_id          uuid             NOT NULL,
        rung              integer          NOT NULL,
        sequence          integer          NOT NULL,
        controller        text             NOT NULL,
        choices           jsonb            NOT NULL,
        spec              jsonb            NOT NULL,
        status            text             NOT NULL DEFAULT 'requested',
        ap                double precision NULL,
        latency_ms        double precision NULL,
        latency_source    text             NULL,
        reward            double precision NULL,
        params            bigint           NULL,
        macs              double precision NULL,
        train_seconds     double precision NULL,
        eval_seconds      double precision NULL,
        worker_id         text             NULL,
        attempts          integer          NOT NULL DEFAULT 0,
        reason            text             NULL,
        requested_at      timestamptz(3)   NOT NULL DEFAULT now(),
        started_at        timestamptz(3)   NULL,
        completed_at      timestamptz(3)   NULL,
        CONSTRAINT pk_architecture_search_trial PRIMARY KEY (search_id, trial_id, rung),
        CONSTRAINT fk_architecture_search_trial_search FOREIGN KEY (search_id) REFERENCES architecture_search (id) ON DELETE CASCADE,
        CONSTRAINT chk_architecture_search_trial_status CHECK (status IN ('requested', 'completed', 'failed')),
        CONSTRAINT chk_architecture_search_trial_latency_source CHECK (latency_source IS NULL OR latency_source IN ('measured', 'paired-ratio')),
        CONSTRAINT chk_architecture_search_trial_rung CHECK (rung >= 0),
        CONSTRAINT chk_architecture_search_trial_sequence CHECK (sequence >= 0)
      )`);
    await db.query(`CREATE INDEX ix_architecture_search_trial_sequence ON architecture_search_trial (search_id, sequence, rung)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE architecture_search_trial`);
    await db.query(`DROP TABLE architecture_search`);
  }
}
