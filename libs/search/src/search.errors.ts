import { DomainError, type ErrorHttpStatusMap } from '@argus/platform';

/** The search core's error codes: input that a search cannot run with, each with its HTTP status. */
export const SearchErrorCodes = {
  /** Choices that do not index the space's options (wrong length, out of range, not integers). */
  invalidChoices: 'search.invalid-choices',
  /** An objective that cannot score (target not positive, exponents not finite). */
  invalidObjective: 'search.invalid-objective',
  /** A trial's measurement that cannot be scored (AP outside [0, 1], latency not positive). */
  invalidMeasurement: 'search.invalid-measurement',
  /** Engine or controller settings out of range (no budget, eta ≤ 1, rungs not 0, 1, 2…). */
  invalidSettings: 'search.invalid-settings',
  /** A stored engine or controller state that does not parse or does not belong to these settings. */
  invalidState: 'search.invalid-state',
  /** The space yields no valid architecture within the attempts allowed (a space or base spec that is too narrow). */
  spaceExhausted: 'search.space-exhausted',
} as const;
export type SearchErrorCode = (typeof SearchErrorCodes)[keyof typeof SearchErrorCodes];

export const SEARCH_ERROR_HTTP_STATUS: ErrorHttpStatusMap<SearchErrorCode> = {
  [SearchErrorCodes.invalidChoices]: 422,
  [SearchErrorCodes.invalidObjective]: 422,
  [SearchErrorCodes.invalidMeasurement]: 422,
  [SearchErrorCodes.invalidSettings]: 422,
  // A stored state that does not parse is our own data gone bad, not the client's request.
  [SearchErrorCodes.invalidState]: 500,
  [SearchErrorCodes.spaceExhausted]: 422,
};

/** A failure of the search core. */
export class SearchError extends DomainError<SearchErrorCode> {}
