import type { TrainingAdaptation, TrainingTrigger } from '@argus/contracts';
import type { Database } from './database';
import { hotRows, hotStatement } from './database-handle.helper';
import { isPgError, PgErrorCodes } from './pg-error.mapper';

export type TrainingJobStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
export type FinishedTrainingJobStatus = Extract<TrainingJobStatus, 'completed' | 'failed' | 'cancelled'>;

/** A requested fine-tune (continual-fine-tune's RequestedTrainingJob). */
export interface NewTrainingJob {
  readonly id: string;
  readonly lineId: string;
  readonly datasetVersionId: string;
  readonly baseModelVersionId: string;
  readonly baseArtifactKey: string;
  readonly triggers: readonly TrainingTrigger[];
  readonly requestedBy: string;
  readonly epochs: number;
  readonly seed: number;
  /** An adaptation (the new-line wizard) instead of a fine-tune; absent or null: a fine-tune. */
  readonly adaptation?: TrainingAdaptation | null;
}

/** How a job ended, as the service wrote it (its FinishedJob); kept as JSON, returned as given. */
export type TrainingJobOutcomeRecord = { readonly status: FinishedTrainingJobStatus } & Readonly<Record<string, unknown>>;

/** A running job's latest progress (the service's JobProgress), kept as JSON. */
export type TrainingJobProgressRecord = Readonly<Record<string, unknown>>;

export interface TrainingJobRecord extends NewTrainingJob {
  readonly status: TrainingJobStatus;
  /** Deliveries a worker claimed (0 while queued). */
  readonly attempt: number;
  readonly workerId: string | null;
  readonly cancelRequested: boolean;
  readonly progress: TrainingJobProgressRecord | null;
  readonly progressAt: Date | null;
  readonly outcome: TrainingJobOutcomeRecord | null;
  readonly candidateModelVersionId: string | null;
  readonly gatesPassed: boolean | null;
  readonly announcedAt: Date | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
}

/** What a worker may do with a delivery of a job (continual-fine-tune's JobClaim). */
export type TrainingJobClaimRecord =
  | { readonly kind: 'run'; readonly attempt: number }
  | { readonly kind: 'finished'; readonly outcome: TrainingJobOutcomeRecord }
  | { readonly kind: 'cancelled'; readonly attempt: number };

/** `recorded`; `already-finished` when an earlier outcome stands; `unknown` when there is no such job. */
export type TrainingJobFinish = 'recorded' | 'already-finished' | 'unknown';

interface TrainingJobRow {
  id: string;
  line_id: string;
  dataset_version_id: string;
  base_model_version_id: string;
  base_artifact_key: string;
  triggers: TrainingTrigger[];
  requested_by: string;
  epochs: number;
  seed: number;
  adaptation: TrainingAdaptation | null;
  status: TrainingJobStatus;
  attempt: number;
  worker_id: string | null;
  cancel_requested: boolean;
  progress: TrainingJobProgressRecord | null;
  progress_at: Date | string | null;
  outcome: TrainingJobOutcomeRecord | null;
  candidate_model_version_id: string | null;
  gates_passed: boolean | null;
  announced_at: Date | string | null;
  created_at: Date | string;
  started_at: Date | string | null;
  finished_at: Date | string | null;
}

const COLUMNS = `id, line_id, dataset_version_id, base_model_version_id, base_artifact_key, triggers, requested_by, epochs, seed, adaptation,
                 status, attempt, worker_id, cancel_requested, progress, progress_at, outcome, candidate_model_version_id,
                 gates_passed, announced_at, created_at, started_at, finished_at`;

// UPDATE … RETURNING answers its rows through hotRows (a plain query answers them with the row count).
const CLAIM_CANCELLED = hotStatement(
  'training_job_claim_cancelled',
  `UPDATE training_job SET attempt = attempt + 1 WHERE id = $1 RETURNING attempt`,
);
const CLAIM_RUN = hotStatement(
  'training_job_claim_run',
  `UPDATE training_job
      SET status = 'running', attempt = attempt + 1, worker_id = $2, started_at = COALESCE(started_at, now())
    WHERE id = $1
    RETURNING attempt`,
);
const REQUEST_CANCEL = hotStatement(
  'training_job_request_cancel',
  `UPDATE training_job SET cancel_requested = true WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
);
const FINISH = hotStatement(
  'training_job_finish',
  `UPDATE training_job
      SET status = $2, outcome = $3::jsonb, candidate_model_version_id = $4, gates_passed = $5, finished_at = now()
    WHERE id = $1 AND outcome IS NULL
    RETURNING id`,
);

/**
 * The training jobs' ledger. The requesting side records and announces jobs; the worker side
 * claims a delivery, reports progress and records the outcome. The first outcome recorded stands,
 * so a job redelivered to a second worker cannot end twice.
 */
export class TrainingJobRepository {
  constructor(private readonly db: Database) {}

  /** The line's queued or running job, if any. */
  async activeJob(lineId: string): Promise<{ id: string } | null> {
    const rows = await this.db.query<{ id: string }>(`SELECT id FROM training_job WHERE line_id = $1 AND status IN ('queued', 'running')`, [
      lineId,
    ]);
    return rows[0] ?? null;
  }

  /** Records a queued job, unless the line has one queued or running (then names it). */
  async create(job: NewTrainingJob): Promise<{ created: true } | { created: false; activeJobId: string }> {
    for (;;) {
      try {
        await this.db.query(
          `INSERT INTO training_job (id, line_id, dataset_version_id, base_model_version_id, base_artifact_key, triggers,
                                     requested_by, epochs, seed, adaptation)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10::jsonb)`,
          [
            job.id,
            job.lineId,
            job.datasetVersionId,
            job.baseModelVersionId,
            job.baseArtifactKey,
            JSON.stringify(job.triggers),
            job.requestedBy,
            job.epochs,
            job.seed,
            job.adaptation ? JSON.stringify(job.adaptation) : null,
          ],
        );
        return { created: true };
      } catch (error) {
        if (!isPgError(error, PgErrorCodes.uniqueViolation, 'uq_training_job_line_active')) throw error;
        const active = await this.activeJob(job.lineId);
        // The active job ended between the insert and this read: the line is free again.
        if (active) return { created: false, activeJobId: active.id };
      }
    }
  }

  /** The job's request is on the bus. */
  async markAnnounced(jobId: string): Promise<void> {
    await this.db.query(`UPDATE training_job SET announced_at = now() WHERE id = $1 AND announced_at IS NULL`, [jobId]);
  }

  /** Queued jobs recorded before `before` and never announced, oldest first, with their data set version. */
  async unannounced(before: Date): Promise<{ job: NewTrainingJob; dataset: { id: string; fingerprint: string; manifestKey: string } }[]> {
    const rows = await this.db.query<TrainingJobRow & { dataset_fingerprint: string; dataset_manifest_key: string }>(
      `SELECT j.id, j.line_id, j.dataset_version_id, j.base_model_version_id, j.base_artifact_key, j.triggers, j.requested_by,
              j.epochs, j.seed, j.adaptation, d.fingerprint AS dataset_fingerprint, d.manifest_key AS dataset_manifest_key
         FROM training_job j
         JOIN dataset_version d ON d.id = j.dataset_version_id
        WHERE j.status = 'queued' AND j.announced_at IS NULL AND j.created_at < $1
        ORDER BY j.created_at, j.id`,
      [before.toISOString()],
    );
    return rows.map((row) => ({
      job: toNewTrainingJob(row),
      dataset: { id: row.dataset_version_id, fingerprint: row.dataset_fingerprint, manifestKey: row.dataset_manifest_key },
    }));
  }

  /**
   * A worker received the job. With the row locked: a job that ended answers its outcome; a job
   * someone cancelled answers `cancelled` (the attempt counts); any other is marked running on
   * this worker, attempt + 1. Null when there is no such job.
   */
  async claim(jobId: string, workerId: string): Promise<TrainingJobClaimRecord | null> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<Pick<TrainingJobRow, 'outcome' | 'cancel_requested'>>(
        `SELECT outcome, cancel_requested FROM training_job WHERE id = $1 FOR UPDATE`,
        [jobId],
      );
      if (!row) return null;
      if (row.outcome) return { kind: 'finished', outcome: row.outcome };
      if (row.cancel_requested) {
        const [updated] = await hotRows<{ attempt: number }>(tx, CLAIM_CANCELLED, [jobId]);
        return { kind: 'cancelled', attempt: attemptOf(updated) };
      }
      const [updated] = await hotRows<{ attempt: number }>(tx, CLAIM_RUN, [jobId, workerId]);
      return { kind: 'run', attempt: attemptOf(updated) };
    });
  }

  /** Keeps the running job's latest progress; ignored once the job ended. */
  async recordProgress(jobId: string, progress: TrainingJobProgressRecord): Promise<void> {
    await this.db.query(`UPDATE training_job SET progress = $2::jsonb, progress_at = now() WHERE id = $1 AND outcome IS NULL`, [
      jobId,
      JSON.stringify(progress),
    ]);
  }

  /** Whether someone asked to cancel the job; null when there is no such job. */
  async cancelRequested(jobId: string): Promise<boolean | null> {
    const [row] = await this.db.query<{ cancel_requested: boolean }>(`SELECT cancel_requested FROM training_job WHERE id = $1`, [jobId]);
    return row ? row.cancel_requested : null;
  }

  /** Records a candidate; the first outcome of a job stands. */
  async complete(
    jobId: string,
    outcome: TrainingJobOutcomeRecord & { readonly status: 'completed' },
    candidate: { readonly modelVersionId: string; readonly gatesPassed: boolean },
  ): Promise<TrainingJobFinish> {
    return this.finish(jobId, outcome, candidate.modelVersionId, candidate.gatesPassed);
  }

  /** Records a failure or a cancellation; the first outcome of a job stands. */
  async fail(jobId: string, outcome: TrainingJobOutcomeRecord & { readonly status: 'failed' | 'cancelled' }): Promise<TrainingJobFinish> {
    return this.finish(jobId, outcome, null, null);
  }

  /** Asks the job to stop; false when it is not queued or running (it ended, or there is no such job). */
  async requestCancel(jobId: string): Promise<boolean> {
    const rows = await hotRows<{ id: string }>(this.db, REQUEST_CANCEL, [jobId]);
    return rows.length > 0;
  }

  async find(jobId: string): Promise<TrainingJobRecord | null> {
    const [row] = await this.db.query<TrainingJobRow>(`SELECT ${COLUMNS} FROM training_job WHERE id = $1`, [jobId]);
    return row ? toTrainingJob(row) : null;
  }

  /** The job that produced the candidate version, if one did. */
  async findByCandidate(modelVersionId: string): Promise<TrainingJobRecord | null> {
    const [row] = await this.db.query<TrainingJobRow>(
      `SELECT ${COLUMNS} FROM training_job WHERE candidate_model_version_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [modelVersionId],
    );
    return row ? toTrainingJob(row) : null;
  }

  /** The line's jobs, newest first. */
  async listForLine(lineId: string, options: { limit?: number } = {}): Promise<TrainingJobRecord[]> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
    const rows = await this.db.query<TrainingJobRow>(
      `SELECT ${COLUMNS} FROM training_job WHERE line_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [lineId, limit],
    );
    return rows.map(toTrainingJob);
  }

  private async finish(
    jobId: string,
    outcome: TrainingJobOutcomeRecord,
    candidateModelVersionId: string | null,
    gatesPassed: boolean | null,
  ): Promise<TrainingJobFinish> {
    const rows = await hotRows<{ id: string }>(this.db, FINISH, [
      jobId,
      outcome.status,
      JSON.stringify(outcome),
      candidateModelVersionId,
      gatesPassed,
    ]);
    if (rows.length > 0) return 'recorded';
    const exists = await this.db.query(`SELECT 1 FROM training_job WHERE id = $1`, [jobId]);
    return exists.length > 0 ? 'already-finished' : 'unknown';
  }
}

function toNewTrainingJob(row: Omit<TrainingJobRow, 'status'> | TrainingJobRow): NewTrainingJob {
  return {
    id: row.id,
    lineId: row.line_id,
    datasetVersionId: row.dataset_version_id,
    baseModelVersionId: row.base_model_version_id,
    baseArtifactKey: row.base_artifact_key,
    triggers: row.triggers,
    requestedBy: row.requested_by,
    epochs: row.epochs,
    seed: row.seed,
    // Only an adaptation says so: a fine-tune's record reads as it did before the column existed.
    ...(row.adaptation ? { adaptation: row.adaptation } : {}),
  };
}

function toTrainingJob(row: TrainingJobRow): TrainingJobRecord {
  return {
    ...toNewTrainingJob(row),
    status: row.status,
    attempt: row.attempt,
    workerId: row.worker_id,
    cancelRequested: row.cancel_requested,
    progress: row.progress,
    progressAt: dateOrNull(row.progress_at),
    outcome: row.outcome,
    candidateModelVersionId: row.candidate_model_version_id,
    gatesPassed: row.gates_passed,
    announcedAt: dateOrNull(row.announced_at),
    createdAt: row.created_at instanceof Date ? row.created_at : new Date(row.created_at),
    startedAt: dateOrNull(row.started_at),
    finishedAt: dateOrNull(row.finished_at),
  };
}

function attemptOf(row: { attempt: number } | undefined): number {
  if (!row) throw new Error('BUG: UPDATE … RETURNING of a locked row returned nothing');
  return row.attempt;
}

function dateOrNull(value: Date | string | null): Date | null {
  if (value === null) return null;
  return value instanceof Date ? value : new Date(value);
}
