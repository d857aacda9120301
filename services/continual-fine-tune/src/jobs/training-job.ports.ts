import type { TrainingJobPhase, TrainingJobRequestedV1 } from '@argus/contracts';
import type { GateReport } from '@argus/registry';

/** What a worker may do with a job it received (a first delivery, or a redelivery). */
export type JobClaim =
  | { readonly kind: 'run'; readonly attempt: number }
  /** The job already ended: its outcome is recorded, only its event may be missing. */
  | { readonly kind: 'finished'; readonly outcome: FinishedJob }
  /** Someone cancelled it before this worker started it. */
  | { readonly kind: 'cancelled'; readonly attempt: number };

export type FinishedJob =
  | { readonly status: 'completed'; readonly candidate: RegisteredCandidate; readonly gates: GateReport; readonly durationMs: number }
  | { readonly status: 'failed' | 'cancelled'; readonly errorCode: string; readonly reason: string; readonly attempt: number };

export interface JobProgress {
  readonly phase: TrainingJobPhase;
  readonly step: number;
  readonly totalSteps: number;
  readonly losses: Readonly<Record<string, number>>;
  readonly validationAp: number | null;
  readonly etaSeconds: number | null;
  readonly message: string | null;
}

/**
 * The jobs' state (Postgres in the service): the one place that says whether a job runs, ran or
 * was cancelled, so a redelivered request never trains twice and never yields a second candidate.
 */
export interface TrainingJobLedger {
  /** Marks the job running on this worker (attempt + 1), unless it has finished or was cancelled. */
  claim(jobId: string, workerId: string): Promise<JobClaim>;
  recordProgress(jobId: string, progress: JobProgress): Promise<void>;
  cancelRequested(jobId: string): Promise<boolean>;
  complete(jobId: string, outcome: Extract<FinishedJob, { status: 'completed' }>): Promise<void>;
  fail(jobId: string, outcome: Extract<FinishedJob, { status: 'failed' | 'cancelled' }>): Promise<void>;
}

/** Where a job's run folder (checkpoints, log) survives the worker: the object store. */
export interface RunFolderStore {
  /** Fills `dir` with what the last attempt saved (nothing on a first attempt). Returns the files restored. */
  restore(jobId: string, dir: string): Promise<number>;
  /** Saves `dir`'s files (overwriting); called after each checkpoint. */
  save(jobId: string, dir: string): Promise<void>;
}

export interface TrainerHooks {
  readonly onProgress: (progress: JobProgress) => void;
  /** After the trainer wrote a checkpoint to the run folder. */
  readonly onCheckpoint: () => Promise<void>;
  readonly shouldStop: () => boolean;
}

/** A candidate's files, written by the trainer, and what the gates need. */
export interface TrainedCandidate {
  /** The model package's folder (spec, weights, ONNX, metadata, training log). */
  readonly packageDir: string;
  readonly name: string;
  readonly version: string;
  readonly classes: readonly string[];
  readonly usesTemplate: boolean;
  /** True when the trainer stopped because `shouldStop` said so: there is no candidate. */
  readonly stopped: boolean;
}

/** Fine-tunes the job's base model on its data set version, resuming from `runDir` when it holds a checkpoint. */
export interface CandidateTrainer {
  train(job: TrainingJobRequestedV1, runDir: string, hooks: TrainerHooks): Promise<TrainedCandidate>;
}

/** Evaluates production and candidate the same way and decides the gates. */
export interface CandidateGate {
  evaluate(job: TrainingJobRequestedV1, candidate: TrainedCandidate): Promise<GateReport>;
}

export interface RegisteredCandidate {
  readonly modelVersionId: string;
  readonly name: string;
  readonly version: string;
  readonly artifactKey: string;
  readonly classes: readonly string[];
  readonly usesTemplate: boolean;
  /** Headline figures announced with the version (holdout AP, new-data AP, latency). */
  readonly metrics: Readonly<Record<string, number>>;
}

/** Stores the package in the object store and registers the version; idempotent on the job id. */
export interface CandidateRegistrar {
  register(job: TrainingJobRequestedV1, candidate: TrainedCandidate, gates: GateReport): Promise<RegisteredCandidate>;
}
