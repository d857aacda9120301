import type { TrainingJobRepository } from '@argus/persistence';
import type { FinishedJob, JobClaim, JobProgress, TrainingJobLedger } from '../jobs/training-job.ports';

/**
 * The jobs' ledger in Postgres (`training_job`), shared by every trainer worker: a claim locks the
 * job's row, and the first outcome recorded stands, so a job redelivered to a second worker never
 * ends twice. A job the ledger does not know is an error (the bus retries, then dead-letters it).
 */
export class PostgresTrainingJobLedger implements TrainingJobLedger {
  constructor(private readonly jobs: Pick<TrainingJobRepository, 'claim' | 'recordProgress' | 'cancelRequested' | 'complete' | 'fail'>) {}

  async claim(jobId: string, workerId: string): Promise<JobClaim> {
    const claim = await this.jobs.claim(jobId, workerId);
    if (claim === null) throw unknownJob(jobId);
    // The outcome is stored as this service wrote it.
    return claim.kind === 'finished' ? { kind: 'finished', outcome: claim.outcome as FinishedJob } : claim;
  }

  async recordProgress(jobId: string, progress: JobProgress): Promise<void> {
    await this.jobs.recordProgress(jobId, { ...progress });
  }

  async cancelRequested(jobId: string): Promise<boolean> {
    const requested = await this.jobs.cancelRequested(jobId);
    if (requested === null) throw unknownJob(jobId);
    return requested;
  }

  async complete(jobId: string, outcome: Extract<FinishedJob, { status: 'completed' }>): Promise<void> {
    const finish = await this.jobs.complete(jobId, outcome, {
      modelVersionId: outcome.candidate.modelVersionId,
      gatesPassed: outcome.gates.passed,
    });
    if (finish === 'unknown') throw unknownJob(jobId);
  }

  async fail(jobId: string, outcome: Extract<FinishedJob, { status: 'failed' | 'cancelled' }>): Promise<void> {
    if ((await this.jobs.fail(jobId, outcome)) === 'unknown') throw unknownJob(jobId);
  }
}

/** A delivered job this deployment's ledger has no row for (another deployment's, or its database was reset). */
export class UnknownTrainingJobError extends Error {
  constructor(readonly jobId: string) {
    super(`training job ${jobId} is not in the ledger`);
    this.name = 'UnknownTrainingJobError';
  }
}

function unknownJob(jobId: string): UnknownTrainingJobError {
  return new UnknownTrainingJobError(jobId);
}
