import type { FinishedJob, JobClaim, JobProgress, TrainingJobLedger } from './training-job.ports';

interface JobRow {
  status: 'queued' | 'running' | FinishedJob['status'];
  attempt: number;
  workerId: string | null;
  cancelRequested: boolean;
  progress: JobProgress | null;
  outcome: FinishedJob | null;
}

/** The jobs' ledger in memory: for unit tests and the embedded mode's single process. */
export class InMemoryTrainingJobLedger implements TrainingJobLedger {
  readonly jobs = new Map<string, JobRow>();

  /** Records a requested job (the trigger side does this before publishing the request). */
  enqueue(jobId: string): void {
    if (!this.jobs.has(jobId)) {
      this.jobs.set(jobId, { status: 'queued', attempt: 0, workerId: null, cancelRequested: false, progress: null, outcome: null });
    }
  }

  requestCancel(jobId: string): void {
    this.row(jobId).cancelRequested = true;
  }

  async claim(jobId: string, workerId: string): Promise<JobClaim> {
    const row = this.row(jobId);
    if (row.outcome) return { kind: 'finished', outcome: row.outcome };
    row.attempt += 1;
    if (row.cancelRequested) return { kind: 'cancelled', attempt: row.attempt };
    row.status = 'running';
    row.workerId = workerId;
    return { kind: 'run', attempt: row.attempt };
  }

  async recordProgress(jobId: string, progress: JobProgress): Promise<void> {
    this.row(jobId).progress = progress;
  }

  async cancelRequested(jobId: string): Promise<boolean> {
    return this.row(jobId).cancelRequested;
  }

  async complete(jobId: string, outcome: Extract<FinishedJob, { status: 'completed' }>): Promise<void> {
    this.finish(jobId, outcome);
  }

  async fail(jobId: string, outcome: Extract<FinishedJob, { status: 'failed' | 'cancelled' }>): Promise<void> {
    this.finish(jobId, outcome);
  }

  private finish(jobId: string, outcome: FinishedJob): void {
    const row = this.row(jobId);
    // The first outcome stands: a second worker racing on a redelivery cannot overwrite it.
    if (row.outcome) return;
    row.outcome = outcome;
    row.status = outcome.status;
  }

  private row(jobId: string): JobRow {
    const row = this.jobs.get(jobId);
    if (!row) throw new Error(`training job ${jobId} is not in the ledger`);
    return row;
  }
}
