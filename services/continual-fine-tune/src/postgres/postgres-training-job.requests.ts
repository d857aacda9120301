import type { TrainingJobRepository } from '@argus/persistence';
import { JobAlreadyActiveError } from '../continual.errors';
import type { AnnouncedDataset, RequestedTrainingJob, TrainingJobRequests } from '../jobs/training-job-requests.ports';

/** The requesting side of the jobs' ledger in Postgres (`training_job`). */
export class PostgresTrainingJobRequests implements TrainingJobRequests {
  constructor(private readonly jobs: Pick<TrainingJobRepository, 'activeJob' | 'create' | 'markAnnounced' | 'unannounced'>) {}

  activeJob(lineId: string): Promise<{ readonly id: string } | null> {
    return this.jobs.activeJob(lineId);
  }

  async create(job: RequestedTrainingJob): Promise<void> {
    const result = await this.jobs.create(job);
    if (!result.created) throw new JobAlreadyActiveError(job.lineId, result.activeJobId);
  }

  markAnnounced(jobId: string): Promise<void> {
    return this.jobs.markAnnounced(jobId);
  }

  unannounced(before: Date): Promise<readonly { readonly job: RequestedTrainingJob; readonly dataset: AnnouncedDataset }[]> {
    return this.jobs.unannounced(before);
  }
}
