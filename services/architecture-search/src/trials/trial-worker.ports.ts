import type { SearchObjective, TrialMeasurement, TrialRequest } from '@argus/search';

export type TrialSearchStatus = 'running' | 'completed' | 'cancelled' | 'failed';
export type TrialStatus = 'requested' | 'completed' | 'failed';

/** The trials' records as a worker reads and marks them (Postgres: ArchitectureSearchRepository). */
export interface TrialLedger {
  /** Null when there is no such search; `trialStatus` null when the search never requested that trial at that rung. */
  trialView(
    searchId: string,
    trialId: string,
    rung: number,
  ): Promise<{ searchStatus: TrialSearchStatus; trialStatus: TrialStatus | null } | null>;
  /** This worker starts the trial: its attempt number (0 when it is no longer a requested trial). */
  markTrialStarted(searchId: string, trialId: string, rung: number, workerId: string): Promise<number>;
}

/** What a trial trains on and how its latency is served. */
export interface TrialData {
  readonly dataSource: string;
  readonly objective: SearchObjective;
}

/** Trains and measures one trial (proxy training, AP, latency as served). */
export interface TrialEvaluator {
  /** Throws for a trial that cannot run (its spec, budget or data): the trial fails with that reason. */
  evaluate(request: TrialRequest, data: TrialData, hooks: { readonly shouldStop: () => boolean }): Promise<TrialMeasurement>;
}
