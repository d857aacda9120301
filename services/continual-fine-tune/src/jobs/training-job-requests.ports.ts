import type { TrainingAdaptation, TrainingTrigger } from '@argus/contracts';

export interface BaseModel {
  readonly id: string;
  readonly artifactKey: string;
  readonly classes: readonly string[];
}

/** The production model a line's next job starts from; any registered version for an adaptation. */
export interface ProductionModelReader {
  productionModelFor(lineId: string): Promise<BaseModel | null>;
  modelVersion(modelVersionId: string): Promise<BaseModel | null>;
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
  /** An adaptation (the new-line wizard) instead of a fine-tune; absent or null: a fine-tune. */
  readonly adaptation?: TrainingAdaptation | null;
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
