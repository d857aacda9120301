import { DomainError, type ErrorHttpStatusMap } from '@argus/platform';

/** Full training's error codes (a request that can never be trained), each with the HTTP status it answers with. */
export const FullTrainingErrorCodes = {
  invalidSpec: 'search-training.invalid-spec',
  invalidDataSource: 'search-training.invalid-data-source',
  unknownTrial: 'search-training.unknown-trial',
  interrupted: 'search-training.interrupted',
} as const;
export type FullTrainingErrorCode = (typeof FullTrainingErrorCodes)[keyof typeof FullTrainingErrorCodes];

export const FULL_TRAINING_ERROR_HTTP_STATUS: ErrorHttpStatusMap<FullTrainingErrorCode> = {
  [FullTrainingErrorCodes.invalidSpec]: 422,
  [FullTrainingErrorCodes.invalidDataSource]: 422,
  [FullTrainingErrorCodes.unknownTrial]: 404,
  [FullTrainingErrorCodes.interrupted]: 503,
};

/** A failure of full training. */
export class FullTrainingError extends DomainError<FullTrainingErrorCode> {}

/** A request that no retry can train: the consumer dead-letters it at once, with this message as the reason. */
export class FullTrainingRefusedError extends FullTrainingError {}

export class InvalidTrialSpecError extends FullTrainingRefusedError {
  constructor(
    readonly trialId: string,
    readonly issues: readonly string[],
  ) {
    super(FullTrainingErrorCodes.invalidSpec, `trial ${trialId}'s spec cannot be trained: ${issues.join('; ')}`, { trialId, issues });
  }
}

export class InvalidSearchDataSourceError extends FullTrainingRefusedError {
  constructor(dataSource: string, reason: string) {
    super(FullTrainingErrorCodes.invalidDataSource, `data source "${dataSource}": ${reason}`, { dataSource });
  }
}

/**
 * The request names a search or trial this deployment's database does not have (or a trial without
 * a completed measurement): the console only asks for measured trials of searches it lists, so it
 * never will.
 */
export class UnknownSearchTrialError extends FullTrainingRefusedError {
  constructor(searchId: string, trialId: string, why: string) {
    super(FullTrainingErrorCodes.unknownTrial, `search ${searchId} trial ${trialId}: ${why}`, { searchId, trialId });
  }
}

/** The process is shutting down: the training stopped at its last checkpoint and the request is left for redelivery. */
export class FullTrainingInterruptedError extends FullTrainingError {
  constructor(requestId: string) {
    super(FullTrainingErrorCodes.interrupted, `full training ${requestId} interrupted by a shutdown: left for redelivery`, { requestId });
  }
}
