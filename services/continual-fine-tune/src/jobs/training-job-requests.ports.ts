import type { TrainingTrigger } from '@argus/contracts';

/** The production model a line's next job starts from. */
export interface ProductionModelReader {
  productionModelFor(
    lineId: string,
  ): Promise<{ readonly id: string; readonly artifactKey: string; readonly classes: readonly string[] } | null>;
}

export interface RequestedTrainingJob {
  readonly id: string;
  readonly lineId: string;
  readonly datasetVersionId: string;
  readonly baseModelVersionId: string;
  readonly baseArtifactKey: string;
  readonly triggers: readonly TrainingTrigger[];
  readonly requestedBy: string;
  readonly epochs: number;
  readonly seed: number;
}

/** The requesting side of the jobs' ledger. */
export interface TrainingJobRequests {
  /** The line's queued or running job, if any. */
  activeJob(lineId: string): Promise<{ readonly id: string } | null>;
  /** Records a queued job; throws JobAlreadyActiveError when the line already has one queued or running. */
  create(job: RequestedTrainingJob): Promise<void>;
  /** The request event is on the bus. */
  markAnnounced(jobId: string): Promise<void>;
  /** Queued jobs recorded before `before` whose request was never announced (a crash between the two), with their data set. */
  unannounced(before: Date): Promise<readonly { readonly job: RequestedTrainingJob; readonly dataset: AnnouncedDataset }[]>;
}

/** What a job's request says of its data set version. */
export interface AnnouncedDataset {
  readonly id: string;
  readonly fingerprint: string;
  readonly manifestKey: string;
}
