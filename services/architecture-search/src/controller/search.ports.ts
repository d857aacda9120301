import type { SearchRequestedV1 } from '@argus/contracts';
import type { FrontPoint, SearchProgress, TrialMeasurement, TrialRequest } from '@argus/search';

export type SearchStatus = 'running' | 'completed' | 'cancelled' | 'failed';

/** A search as the controller keeps it: the request it came from, where it stands, its engine's state. */
export interface StoredSearch {
  readonly request: SearchRequestedV1;
  readonly status: SearchStatus;
  /** Null for a search that never started (it failed at once). */
  readonly engineState: unknown;
}

/** What a step leaves behind: the engine's state and what the console lists. */
export interface SearchSnapshot {
  readonly status: SearchStatus;
  readonly engineState: unknown;
  readonly progress: SearchProgress;
  readonly front: readonly FrontPoint[];
}

/** A worker's answer, as counted (with the reward the engine gave it, when it gave one). */
export type CountedOutcome =
  | { readonly status: 'completed'; readonly workerId: string; readonly measurement: TrialMeasurement; readonly reward: number | null }
  | { readonly status: 'failed'; readonly workerId: string; readonly reason: string };

/** What one step writes, all of it in one transaction. */
export interface SearchChanges {
  readonly outcome?: { readonly trialId: string; readonly rung: number; readonly value: CountedOutcome };
  readonly newTrials: readonly TrialRequest[];
  readonly snapshot: SearchSnapshot;
}

/**
 * The controller's store (Postgres in production). `step` runs `work` with the search locked and
 * writes the changes it returns in the same transaction: a result is counted and the engine state
 * that counted it saved together, or neither is.
 */
export interface SearchStore {
  /** Records a new search with its first trials; false (nothing written) when it exists. */
  create(request: SearchRequestedV1, snapshot: SearchSnapshot, trials: readonly TrialRequest[]): Promise<boolean>;
  find(searchId: string): Promise<StoredSearch | null>;
  step<T>(searchId: string, work: (search: StoredSearch | null) => Promise<StepDecision<T>> | StepDecision<T>): Promise<T>;
  /** Records the outcome of a trial of a search that no longer runs (for the record; nothing is counted). */
  recordLateOutcome(searchId: string, trialId: string, rung: number, outcome: CountedOutcome): Promise<void>;
  /** Of these requests, those no worker has started yet (the ones a crash may have left unpublished). */
  notStarted(searchId: string, requests: readonly TrialRequest[]): Promise<TrialRequest[]>;
  runningSearchIds(): Promise<string[]>;
}

export interface StepDecision<T> {
  /** Null: write nothing. */
  readonly changes: SearchChanges | null;
  readonly value: T;
}

/** Where a trial of a search stands at a rung; null when the search never requested it. */
export type TrialStanding = 'requested' | 'completed' | 'failed' | null;

/** Reads a trial's standing (the controller tells a duplicate answer from one for a trial never requested). */
export interface TrialStandingReader {
  trialStanding(searchId: string, trialId: string, rung: number): Promise<TrialStanding>;
}
