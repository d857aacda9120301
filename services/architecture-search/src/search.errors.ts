import { PERSISTENCE_ERROR_HTTP_STATUS } from '@argus/persistence';
import { DomainError, type ErrorHttpStatusMap } from '@argus/platform';
import { SEARCH_ERROR_HTTP_STATUS, TRIAL_ERROR_HTTP_STATUS } from '@argus/search';
import { FULL_TRAINING_ERROR_HTTP_STATUS } from './full-training/full-training.errors';

/** The architecture-search service's error codes, each with the HTTP status it answers with. */
export const SearchServiceErrorCodes = {
  unknownSearch: 'search.unknown-search',
  unknownTrial: 'search.unknown-trial',
} as const;
export type SearchServiceErrorCode = (typeof SearchServiceErrorCodes)[keyof typeof SearchServiceErrorCodes];

export const SEARCH_SERVICE_ERROR_HTTP_STATUS: ErrorHttpStatusMap<SearchServiceErrorCode> = {
  [SearchServiceErrorCodes.unknownSearch]: 404,
  [SearchServiceErrorCodes.unknownTrial]: 404,
};

/** Every domain whose codes architecture-search answers with: what its bootstrap combines. */
export const ARCHITECTURE_SEARCH_ERROR_DOMAINS: readonly ErrorHttpStatusMap[] = [
  SEARCH_SERVICE_ERROR_HTTP_STATUS,
  SEARCH_ERROR_HTTP_STATUS,
  TRIAL_ERROR_HTTP_STATUS,
  FULL_TRAINING_ERROR_HTTP_STATUS,
  PERSISTENCE_ERROR_HTTP_STATUS,
];

/** A failure of the architecture-search service. */
export class SearchServiceError extends DomainError<SearchServiceErrorCode> {}

/** An event names a search this installation has no record of. */
export class UnknownSearchError extends SearchServiceError {
  constructor(
    readonly searchId: string,
    what: string,
  ) {
    super(SearchServiceErrorCodes.unknownSearch, `${what} names search ${searchId}, which is not recorded here`, { searchId });
  }
}

/**
 * A trial request or answer names a trial its search never requested at that rung: the
 * controller records every trial before it publishes it, so it never will be.
 */
export class UnknownTrialError extends SearchServiceError {
  constructor(
    readonly searchId: string,
    readonly trialId: string,
    readonly rung: number,
  ) {
    super(SearchServiceErrorCodes.unknownTrial, `search ${searchId} never requested trial ${trialId} at rung ${rung}`, {
      searchId,
      trialId,
      rung,
    });
  }
}
