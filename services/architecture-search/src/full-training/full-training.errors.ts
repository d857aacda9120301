import { DomainError, type ErrorHttpStatusMap } from '@argus/platform';

/** Full training's error codes (a request that can never be trained), each with the HTTP status it answers with. */
export const FullTrainingErrorCodes = {
  invalidSpec: 'search-training.invalid-spec',
  invalidDataSource: 'search-training.invalid-data-source',
} as const;
export type FullTrainingErrorCode = (typeof FullTrainingErrorCodes)[keyof typeof FullTrainingErrorCodes];

export const FULL_TRAINING_ERROR_HTTP_STATUS: ErrorHttpStatusMap<FullTrainingErrorCode> = {
  [FullTrainingErrorCodes.invalidSpec]: 422,
  [FullTrainingErrorCodes.invalidDataSource]: 422,
};

/** A request that no retry can train: the consumer dead-letters it with this message as the reason. */
export class FullTrainingError extends DomainError<FullTrainingErrorCode> {}

export class InvalidTrialSpecError extends FullTrainingError {
  constructor(
    readonly trialId: string,
    readonly issues: readonly string[],
  ) {
    super(FullTrainingErrorCodes.invalidSpec, `trial ${trialId}'s spec cannot be trained: ${issues.join('; ')}`, { trialId, issues });
  }
}

export class InvalidSearchDataSourceError extends FullTrainingError {
  constructor(dataSource: string, reason: string) {
    super(FullTrainingErrorCodes.invalidDataSource, `data source "${dataSource}": ${reason}`, { dataSource });
  }
}
