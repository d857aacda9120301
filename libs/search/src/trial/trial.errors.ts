import { DomainError, type ErrorHttpStatusMap } from '@argus/platform';

/** The trial evaluator's error codes, each with the HTTP status it answers with. */
export const TrialErrorCodes = {
  invalidSpec: 'search-trial.invalid-spec',
  invalidBudget: 'search-trial.invalid-budget',
  classesMismatch: 'search-trial.classes-mismatch',
  invalidSearchData: 'search-trial.invalid-search-data',
  workerFailed: 'search-trial.worker-failed',
  interrupted: 'search-trial.interrupted',
} as const;
export type TrialErrorCode = (typeof TrialErrorCodes)[keyof typeof TrialErrorCodes];

export const TRIAL_ERROR_HTTP_STATUS: ErrorHttpStatusMap<TrialErrorCode> = {
  [TrialErrorCodes.invalidSpec]: 422,
  [TrialErrorCodes.invalidBudget]: 422,
  [TrialErrorCodes.classesMismatch]: 422,
  [TrialErrorCodes.invalidSearchData]: 422,
  [TrialErrorCodes.workerFailed]: 500,
  [TrialErrorCodes.interrupted]: 503,
};

/** A failure of a trial (its request, the search data, or the process running it). */
export class TrialError extends DomainError<TrialErrorCode> {}

/** The trial's spec fails `checkSpec`: it could never be built, so it costs nothing. */
export class InvalidTrialSpecError extends TrialError {
  constructor(
    readonly trialId: string,
    readonly issues: readonly string[],
  ) {
    super(TrialErrorCodes.invalidSpec, `trial ${trialId}: invalid architecture spec: ${issues.join('; ')}`, { trialId, issues });
  }
}

/** A proxy budget no trainer can run (a count below 1 or not an integer). */
export class InvalidTrialBudgetError extends TrialError {
  constructor(
    readonly trialId: string,
    reason: string,
  ) {
    super(TrialErrorCodes.invalidBudget, `trial ${trialId}: invalid proxy budget: ${reason}`, { trialId });
  }
}

/** The spec detects none of the classes the search data is labelled with. */
export class TrialClassesMismatchError extends TrialError {
  constructor(
    readonly trialId: string,
    specClasses: readonly string[],
    dataClasses: readonly string[],
  ) {
    super(
      TrialErrorCodes.classesMismatch,
      `trial ${trialId}: the spec's classes [${specClasses.join(', ')}] share none with the search data's [${dataClasses.join(', ')}]`,
      { trialId, specClasses: [...specClasses], dataClasses: [...dataClasses] },
    );
  }
}

/** Search data that cannot be made (an empty part, a fraction out of range). */
export class InvalidSearchDataError extends TrialError {
  constructor(message: string) {
    super(TrialErrorCodes.invalidSearchData, message);
  }
}

/** A trial worker process that died or failed to start (the pool's reason for a failed trial). */
export class TrialWorkerError extends TrialError {
  constructor(message: string) {
    super(TrialErrorCodes.workerFailed, message);
  }
}

/** The caller's `shouldStop` ended the trial mid-training (a cancel or a shutdown): not a result. */
export class TrialInterruptedError extends TrialError {
  constructor(readonly trialId: string) {
    super(TrialErrorCodes.interrupted, `trial ${trialId} was stopped before it finished`, { trialId });
  }
}
