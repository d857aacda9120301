import { PERSISTENCE_ERROR_HTTP_STATUS } from '@argus/persistence';
import { DomainError, type ErrorHttpStatusMap } from '@argus/platform';

/** The continual-fine-tune domain's error codes, each with the HTTP status it answers with. */
export const ContinualErrorCodes = {
  unknownFrame: 'label.unknown-frame',
  auditUnknownFrame: 'audit.unknown-frame',
  jobAlreadyActive: 'training-job.already-active',
  noProductionModel: 'training-job.no-production-model',
  nothingLabelled: 'training-job.nothing-labelled',
  /** An adaptation's base model is not registered. */
  baseModelNotFound: 'training-job.base-model-not-found',
  /** An adaptation's shots (or its evaluation frames) are not in the line's labels yet. */
  shotsNotLabelled: 'training-job.shots-not-labelled',
  trainerThreadCrashed: 'training-job.trainer-thread-crashed',
  trainingInterrupted: 'training-job.interrupted',
} as const;
export type ContinualErrorCode = (typeof ContinualErrorCodes)[keyof typeof ContinualErrorCodes];

export const CONTINUAL_ERROR_HTTP_STATUS: ErrorHttpStatusMap<ContinualErrorCode> = {
  [ContinualErrorCodes.unknownFrame]: 422,
  [ContinualErrorCodes.auditUnknownFrame]: 422,
  [ContinualErrorCodes.jobAlreadyActive]: 409,
  [ContinualErrorCodes.noProductionModel]: 409,
  [ContinualErrorCodes.nothingLabelled]: 409,
  [ContinualErrorCodes.baseModelNotFound]: 422,
  [ContinualErrorCodes.shotsNotLabelled]: 409,
  [ContinualErrorCodes.trainerThreadCrashed]: 500,
  [ContinualErrorCodes.trainingInterrupted]: 503,
};

/** Every domain whose codes continual-fine-tune answers with: what its bootstrap combines. */
export const CONTINUAL_FINE_TUNE_ERROR_DOMAINS: readonly ErrorHttpStatusMap[] = [
  CONTINUAL_ERROR_HTTP_STATUS,
  PERSISTENCE_ERROR_HTTP_STATUS,
];

/** A failure of the continual fine-tune domain. */
export class ContinualError extends DomainError<ContinualErrorCode> {}

/** A review names a frame this installation has no record of: it cannot become training data. */
export class UnknownFrameError extends ContinualError {
  constructor(readonly frameId: string) {
    super(ContinualErrorCodes.unknownFrame, `frame ${frameId} is not stored here: its review cannot become training data`, { frameId });
  }
}

/** A scored frame this installation has no record of: it cannot become an audit item. */
export class AuditUnknownFrameError extends ContinualError {
  constructor(readonly frameId: string) {
    super(ContinualErrorCodes.auditUnknownFrame, `frame ${frameId} is not stored here: it cannot become an audit item`, { frameId });
  }
}

/** A line fine-tunes one job at a time. */
export class JobAlreadyActiveError extends ContinualError {
  constructor(
    readonly lineId: string,
    readonly activeJobId: string,
  ) {
    super(ContinualErrorCodes.jobAlreadyActive, `line ${lineId} already has a training job queued or running (${activeJobId})`, {
      lineId,
      activeJobId,
    });
  }
}

export class NoProductionModelError extends ContinualError {
  constructor(readonly lineId: string) {
    super(ContinualErrorCodes.noProductionModel, `line ${lineId} has no production model to fine-tune`, { lineId });
  }
}

export class NothingLabelledError extends ContinualError {
  constructor(readonly lineId: string) {
    super(ContinualErrorCodes.nothingLabelled, `line ${lineId} has no labelled frame yet: review some alerts or audit items first`, {
      lineId,
    });
  }
}

/** An adaptation names a base model the registry does not have. */
export class BaseModelNotFoundError extends ContinualError {
  constructor(readonly modelVersionId: string) {
    super(ContinualErrorCodes.baseModelNotFound, `model version ${modelVersionId} is not registered: nothing to adapt from`, {
      modelVersionId,
    });
  }
}

/**
 * An adaptation's shots are not all in the line's data set version, or no other labelled frame is
 * left to evaluate on. The console checks the same against its reviews; a review this service has
 * not recorded yet (it arrives over Kafka) lands here: asking again a moment later works.
 */
export class ShotsNotLabelledError extends ContinualError {
  constructor(
    readonly lineId: string,
    reason: string,
    details: Record<string, unknown>,
  ) {
    super(ContinualErrorCodes.shotsNotLabelled, `line ${lineId}: ${reason}`, { lineId, ...details });
  }
}

/** The worker thread training a job died without answering: the attempt fails with why. */
export class TrainerThreadCrashedError extends ContinualError {
  constructor(
    readonly jobId: string,
    reason: string,
    cause?: unknown,
  ) {
    super(ContinualErrorCodes.trainerThreadCrashed, `the trainer thread of job ${jobId} crashed: ${reason}`, { jobId }, { cause });
  }
}

/**
 * This worker stopped training a job because the process is shutting down: not the job's outcome.
 * The runner lets it through, so the delivery is left unacknowledged and the job resumes from its
 * last saved checkpoint when it is delivered again.
 */
export class TrainingInterruptedError extends ContinualError {
  constructor(readonly jobId: string) {
    super(ContinualErrorCodes.trainingInterrupted, `training of job ${jobId} was interrupted: this worker is shutting down`, { jobId });
  }
}
